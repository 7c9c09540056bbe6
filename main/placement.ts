// Where the consent popup goes: next to the tray icon when the OS tells us where that is, else
// in the corner of the screen where trays live on that platform.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MARGIN = 8;

export function popupPosition(
  tray: Rect | null,
  workArea: Rect,
  size: { width: number; height: number },
  platform: NodeJS.Platform,
): { x: number; y: number } {
  const clampX = (x: number) =>
    Math.round(
      Math.min(Math.max(x, workArea.x + MARGIN), workArea.x + workArea.width - size.width - MARGIN),
    );
  const clampY = (y: number) =>
    Math.round(
      Math.min(
        Math.max(y, workArea.y + MARGIN),
        workArea.y + workArea.height - size.height - MARGIN,
      ),
    );
  if (tray && tray.width > 0 && tray.height > 0) {
    const x = clampX(tray.x + tray.width / 2 - size.width / 2);
    // A tray in the upper half of the screen (macOS menu bar, a top panel) opens downwards.
    const below = tray.y + tray.height / 2 < workArea.y + workArea.height / 2;
    const y = clampY(below ? tray.y + tray.height + MARGIN : tray.y - size.height - MARGIN);
    return { x, y };
  }
  const right = workArea.x + workArea.width - size.width - MARGIN;
  const top = workArea.y + MARGIN;
  const bottom = workArea.y + workArea.height - size.height - MARGIN;
  // Windows and most Linux panels keep the tray at the bottom right; macOS at the top right.
  return { x: clampX(right), y: clampY(platform === 'darwin' ? top : bottom) };
}

/**
 * Did the window system take the position we asked for? Wayland compositors ignore a client's
 * setPosition (Electron then reports 0,0 or wherever the compositor put the window); so do
 * some X11 window managers. Off by more than a pixel (scaling rounds) means "not ours to place".
 */
export function positionTaken(
  wanted: { x: number; y: number },
  actual: readonly [number, number] | readonly number[],
): boolean {
  const [x, y] = actual;
  return (
    x !== undefined && y !== undefined && Math.abs(x - wanted.x) <= 1 && Math.abs(y - wanted.y) <= 1
  );
}
