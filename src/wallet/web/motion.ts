/**
 * The ID's living security features: the flag waves (CSS, in strips each a little behind
 * the one before), the hologram's colours follow the phone's tilt (DeviceOrientation) and
 * shimmer slowly by themselves where there is no sensor or no permission. The body's
 * data-motion says which ("sensor" or "shimmer"); prefers-reduced-motion stills both (CSS).
 */

const STRIPS = 24;

export function raiseFlag(flag: HTMLElement): void {
  const strips: HTMLElement[] = [];
  for (let i = 0; i < STRIPS; i++) {
    const strip = document.createElement('span');
    strip.style.setProperty('--i', String(i));
    strips.push(strip);
  }
  flag.replaceChildren(...strips);
}

const clamp = (v: number) => Math.max(-1, Math.min(1, v));

export function followTilt(): void {
  const root = document.documentElement.style;
  addEventListener('deviceorientation', (e) => {
    if (e.beta === null || e.gamma === null) return;
    document.body.dataset.motion = 'sensor';
    // Left–right tilt turns the colours, forward–back moves the light across.
    root.setProperty('--tilt-x', clamp(e.gamma / 45).toFixed(3));
    root.setProperty('--tilt-y', clamp((e.beta - 45) / 45).toFixed(3));
  });
  // iOS asks for permission, and only from a tap.
  const ask = (DeviceOrientationEvent as unknown as { requestPermission?: () => Promise<string> }).requestPermission;
  if (typeof ask === 'function') addEventListener('pointerdown', () => void ask().catch(() => undefined), { once: true });
}
