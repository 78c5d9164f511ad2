/**
 * What the unit says until the installer records its own greetings: a Mandarin placeholder per band (then
 * English, spoken by the Mandarin voice), so that a fresh unit never answers in silence (SPEC R3, issue 7).
 */
import type { GreetingBand } from '../../core/greeting-choice.ts';

const HOLD = '请稍候，我们马上为您服务。Please hold, we will be with you shortly.';

export const BUILTIN_GREETINGS: Readonly<Record<GreetingBand, string>> = {
  morning: `早上好，感谢您的来电。${HOLD.replace('Please', 'Good morning, thank you for calling. Please')}`,
  afternoon: `下午好，感谢您的来电。${HOLD.replace('Please', 'Good afternoon, thank you for calling. Please')}`,
  evening: `晚上好，感谢您的来电。${HOLD.replace('Please', 'Good evening, thank you for calling. Please')}`,
  'out-of-hours':
    '您好，感谢您的来电。现在是非工作时间，请在工作时间再来电。Hello, thank you for calling. We are closed now, please call again during office hours.',
};
