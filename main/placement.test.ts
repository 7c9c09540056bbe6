import { describe, it, expect } from 'vitest';
import { popupPosition, positionTaken } from './placement';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };
const size = { width: 440, height: 560 };

describe('popupPosition', () => {
  it('opens below a tray icon in a top menu bar, centred and kept on screen', () => {
    const pos = popupPosition({ x: 1800, y: 0, width: 22, height: 22 }, screen, size, 'darwin');
    expect(pos).toEqual({ x: 1920 - 440 - 8, y: 30 });
  });

  it('opens above a tray icon in a bottom task bar', () => {
    const pos = popupPosition({ x: 1000, y: 1050, width: 24, height: 24 }, screen, size, 'win32');
    expect(pos).toEqual({ x: 1000 + 12 - 220, y: 1050 - 560 - 8 });
  });

  it('falls back to the platform corner when the tray has no bounds (Linux)', () => {
    expect(popupPosition({ x: 0, y: 0, width: 0, height: 0 }, screen, size, 'linux')).toEqual({
      x: 1472,
      y: 512,
    });
    expect(popupPosition(null, screen, size, 'darwin')).toEqual({ x: 1472, y: 8 });
  });

  it('respects a work area that does not start at the origin', () => {
    const second = { x: 1920, y: 100, width: 1280, height: 900 };
    const pos = popupPosition(null, second, size, 'linux');
    expect(pos.x).toBe(1920 + 1280 - 440 - 8);
    expect(pos.y).toBe(100 + 900 - 560 - 8);
  });
});

describe('positionTaken', () => {
  it('accepts the position asked for, within a pixel of scaling', () => {
    expect(positionTaken({ x: 1472, y: 512 }, [1472, 512])).toBe(true);
    expect(positionTaken({ x: 1472, y: 512 }, [1473, 511])).toBe(true);
  });

  it('notices a compositor that placed the window itself (Wayland) or reports nothing', () => {
    expect(positionTaken({ x: 1472, y: 512 }, [0, 0])).toBe(false);
    expect(positionTaken({ x: 1472, y: 512 }, [730, 240])).toBe(false);
    expect(positionTaken({ x: 1472, y: 512 }, [])).toBe(false);
  });
});
