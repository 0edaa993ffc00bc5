const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]):not([type=hidden]), textarea:not([disabled]), select, [tabindex]:not([tabindex="-1"])';

/** The visible, focusable controls inside `container` (hidden sections skipped), in document order. */
function focusables(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/**
 * Keeps Tab and Shift+Tab inside the open panel (a modal dialog for keyboard and screen-reader users). The panel
 * lives in a shadow root, so the focused element is the root's activeElement, not the document's.
 */
export function trapFocus(container: HTMLElement, root: ShadowRoot, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const list = focusables(container);
  if (!list.length) return;
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const active = root.activeElement as HTMLElement | null;
  if (e.shiftKey && (active === first || !active || !container.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !active || !container.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}
