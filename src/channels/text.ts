// Outbound text: split at the channel's limit on natural boundaries (paragraph, line, word), never inside
// a code fence without closing and reopening it; and Markdown rendered to the small HTML subset Telegram
// accepts (b, i, s, code, pre, a), everything else escaped.

/** Splits text into pieces of at most `limit` characters, preferring paragraph, then line, then word breaks. */
export function chunkText(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  let openFence: string | undefined;
  while (rest.length > 0) {
    const prefix = openFence ? `${openFence}\n` : "";
    const room = limit - prefix.length - (openFence ? 4 : 0);
    if (prefix.length + rest.length <= limit) {
      out.push(prefix + rest);
      break;
    }
    let cut = -1;
    for (const sep of ["\n\n", "\n", " "]) {
      const at = rest.lastIndexOf(sep, room);
      if (at > room * 0.5) {
        cut = at + sep.length;
        break;
      }
    }
    if (cut <= 0) cut = room;
    let piece = rest.slice(0, cut);
    rest = rest.slice(cut);
    // A fence left open in this piece is closed here and reopened in the next.
    const fences = (prefix + piece).match(/^```.*$/gm) ?? [];
    const stillOpen = fences.length % 2 === 1 ? fences[fences.length - 1]!.trim() : undefined;
    piece = prefix + piece.replace(/\s+$/, "");
    if (stillOpen) piece += "\n```";
    if (piece.trim()) out.push(piece);
    openFence = stillOpen;
    rest = rest.replace(/^\s+/, (ws) => (openFence ? ws.replace(/^[ \t]*\n?/, "") : ""));
  }
  return out;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Markdown (as models write it) → Telegram HTML parse mode. */
export function markdownToTelegramHtml(markdown: string): string {
  const parts = markdown.split(/(```[^\n]*\n[\s\S]*?(?:```|$))/g);
  return parts
    .map((part) => {
      const fence = /^```([^\n]*)\n([\s\S]*?)(?:```)?$/.exec(part);
      if (fence) {
        const lang = fence[1]!.trim();
        const code = escapeHtml(fence[2]!.replace(/\n$/, ""));
        return lang ? `<pre><code class="language-${escapeHtml(lang)}">${code}</code></pre>` : `<pre>${code}</pre>`;
      }
      return inline(part);
    })
    .join("");
}

function inline(text: string): string {
  const codes: string[] = [];
  let s = text.replace(/`([^`\n]+)`/g, (_, code: string) => {
    codes.push(`<code>${escapeHtml(code)}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = escapeHtml(s);
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label: string, href: string) => `<a href="${href.replace(/"/g, "&quot;")}">${label}</a>`);
  s = s.replace(/\*\*([^*\n]+)\*\*/g, "<b>$1</b>").replace(/__([^_\n]+)__/g, "<b>$1</b>");
  s = s.replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, "$1<i>$2</i>").replace(/(^|[^_\w])_([^_\n]+)_(?!\w)/g, "$1<i>$2</i>");
  s = s.replace(/~~([^~\n]+)~~/g, "<s>$1</s>");
  s = s.replace(/^#{1,6} +(.+)$/gm, "<b>$1</b>");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]!);
}
