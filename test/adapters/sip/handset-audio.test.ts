/** Choosing baresip's audio devices from config, and the headless fallback on a machine with no sound card. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEADLESS_AUDIO, renderBaresipConfig } from '../../../src/adapters/sip/baresip-config.ts';
import { handsetAudio, hasSoundCard } from '../../../src/adapters/sip/handset-audio.ts';
import { audioSchema } from '../../../src/config/audio-schema.ts';
import { sipSchema } from '../../../src/config/schema.ts';

const cards = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'deskphone-cards-')), 'cards');
  writeFileSync(file, text);
  return file;
};

describe('handset audio devices', () => {
  it('uses the configured ALSA devices, and the installer ALSA file after the system one', async () => {
    const audio = audioSchema.parse({ earpiece: 'plughw:CARD=Device', microphone: 'plughw:CARD=Device', alsaConfig: '/etc/deskphone/asound.conf' });
    const chosen = await handsetAudio(audio, async () => false);
    expect(chosen).toEqual({
      devices: { source: 'alsa,plughw:CARD=Device', player: 'alsa,plughw:CARD=Device', alert: 'alsa,default' },
      env: { ALSA_CONFIG_PATH: '/usr/share/alsa/alsa.conf:/etc/deskphone/asound.conf' },
      headlessReason: null,
    });
    const { config } = renderBaresipConfig(sipSchema.parse({}), { audio: chosen.devices });
    expect(config).toMatch(/^audio_player alsa,plughw:CARD=Device$/m);
    expect(config).toMatch(/^audio_source alsa,plughw:CARD=Device$/m);
    expect(config).toMatch(/^module alsa\.so$/m);
    expect(config).toMatch(/^audio_buffer 20-500$/m);
  });

  it('runs headless, saying why, when there is no sound card and the devices are left at default', async () => {
    const chosen = await handsetAudio(audioSchema.parse({}), async () => false);
    expect(chosen.devices).toBe(HEADLESS_AUDIO);
    expect(chosen.headlessReason).toMatch(/no sound card/);
    expect((await handsetAudio(audioSchema.parse({}), async () => true)).devices.player).toBe('alsa,default');
  });

  it('reads the kernel card list: none, some, or no ALSA at all', async () => {
    expect(await hasSoundCard(cards('--- no soundcards ---\n'))).toBe(false);
    expect(await hasSoundCard(cards(' 0 [Device         ]: USB-Audio - USB Audio Device\n'))).toBe(true);
    expect(await hasSoundCard('/nonexistent/asound/cards')).toBe(false);
  });

  it('refuses a device name baresip would split, naming the field', () => {
    expect(audioSchema.parse({ earpiece: 'plughw:1,0' }).earpiece).toBe('plughw:1,0');
    const r = audioSchema.safeParse({ earpiece: 'USB handset' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['earpiece']);
  });
});
