/** The words of `deskphone init`, in Simplified Chinese and English; the locale (LC_ALL, LC_MESSAGES, LANG) picks. */
export type Lang = 'zh' | 'en';

export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}

const TEXT = {
  welcome: ['deskphone 设置向导：按回车接受方括号中的默认值。', 'deskphone set-up: press Enter to accept the default.'],
  unitId: ['设备编号（出现在每条通话记录中）', 'Unit id (shown in every call record)'],
  companyName: ['公司名称', 'Company name'],
  greetingText: ['问候语（先用语音合成，之后可导入录音）', 'Greeting text (spoken by text-to-speech until a recording is imported)'],
  sipMode: ['SIP 方式', 'SIP mode'],
  sipDirect: ['直接 IP 呼叫（无注册服务器）', 'Direct IP calls (no registrar)'],
  sipRegistrar: ['注册到 SIP 服务器 / PBX', 'Register with a SIP server / PBX'],
  registrarHost: ['SIP 服务器地址', 'SIP server address'],
  registrarPort: ['SIP 服务器端口', 'SIP server port'],
  registrarUser: ['SIP 账号', 'SIP account'],
  registrarPassword: ['SIP 密码', 'SIP password'],
  listenPort: ['本机 SIP 端口', 'This unit\'s SIP port'],
  sipUser: ['本机 SIP 用户名', 'This unit\'s SIP user'],
  earpiece: ['听筒声音设备（听）', 'Handset earpiece device (what the receptionist hears)'],
  microphone: ['听筒麦克风设备（说）', 'Handset microphone device'],
  otherDevice: ['其他（手动输入）', 'Other (type it)'],
  panelPort: ['面板板卡串口', 'Panel board serial port'],
  simulated: ['无板卡（模拟面板）', 'No board (simulated panel)'],
  ringBudget: ['接听前允许的响铃次数', 'Rings allowed before a call is late'],
  holdCheckInS: ['保持多少秒后提醒回到通话', 'Seconds on hold before the check-in reminder'],
  holdLimitS: ['保持上限（秒）', 'Hold limit (seconds)'],
  lengthWarnS: ['通话多少秒后提示时长', 'Seconds of talk before the length warning'],
  lengthLimitS: ['通话时长上限（秒）', 'Call length limit (seconds)'],
  itToken: ['第一个 IT 令牌的名称（留空则不创建）', 'Name of the first IT token (empty: none)'],
  written: ['配置已写入', 'Config written'],
  backup: ['原配置备份', 'Previous config kept as'],
  greetingMade: ['问候语已生成', 'Greeting made'],
  tokenMade: ['IT 令牌（只显示这一次，请妥善保存）', 'IT token (shown once, keep it safe)'],
  restart: ['重启服务使配置生效：sudo systemctl restart deskphone', 'Restart the service to use it: sudo systemctl restart deskphone'],
} as const satisfies Record<string, readonly [string, string]>;

export type TextKey = keyof typeof TEXT;

export function text(lang: Lang, key: TextKey): string {
  return TEXT[key][lang === 'zh' ? 0 : 1];
}
