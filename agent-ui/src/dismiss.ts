import { useEffect, type RefObject } from 'react';

/** While `open`, a click outside `box` or the Escape key calls `dismiss` (the thread's pop-up pickers and menus). */
export function useDismiss(open: boolean, box: RefObject<HTMLElement | null>, dismiss: () => void): void {
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node)) dismiss();
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open, box, dismiss]);
}
