/**
 * A compact built-in emoji set (no picker library: the widget stays small). Emoji are plain text, so they render
 * with the visitor's system font and reach agents as they are.
 */
export const EMOJI = [
  '😀', '😊', '😂', '🙂', '😉', '😍', '🤔', '😅', '😢', '😡', '😮', '🙏',
  '👍', '👎', '👏', '🙌', '👋', '💪', '❤️', '💔', '🎉', '🔥', '✅', '❌',
  '⭐', '📦', '🚚', '💳', '📞', '📧', '⏰', '🌸',
];

/** Inserts text at the caret of a textarea (replacing a selection), keeps the caret after it. */
export function insertAtCaret(field: HTMLTextAreaElement, text: string): void {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.value = field.value.slice(0, start) + text + field.value.slice(end);
  const caret = start + text.length;
  field.setSelectionRange(caret, caret);
}
