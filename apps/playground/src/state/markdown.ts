import DOMPurify from 'dompurify';
import { Marked, type Token } from 'marked';
import { escapeHtml, highlightCode } from './highlight-code.js';

/** A top-level piece of a Markdown message: sanitised HTML, or a fenced code block shown apart. */
export type MarkdownBlock = { kind: 'html'; html: string } | { kind: 'code'; language: string; code: string };

const markdown = new Marked({
  gfm: true,
  renderer: {
    // Raw HTML in a model's answer is shown as text, never rendered.
    html: ({ text }) => escapeHtml(text),
    // Code inside lists or quotes (top-level blocks are rendered by the app, with a copy button).
    code: ({ text, lang }) =>
      `<pre class="md-code"><code class="hljs">${highlightCode(text, lang ?? '')}</code></pre>\n`,
  },
});

let hooked = false;
function sanitize(html: string): string {
  if (!hooked) {
    // Links open apart from the playground and give it no handle back.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } }).trim();
}

/**
 * A message's Markdown (GitHub flavour) as blocks to render: the HTML is sanitised with DOMPurify
 * after raw HTML was escaped, so nothing in an answer can run script or restyle the page.
 */
export function markdownBlocks(text: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let pending: Token[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const html = sanitize(markdown.parser(pending));
    if (html) blocks.push({ kind: 'html', html });
    pending = [];
  };
  for (const token of markdown.lexer(text)) {
    if (token.type === 'code') {
      flush();
      blocks.push({ kind: 'code', language: token.lang ?? '', code: token.text });
    } else pending.push(token);
  }
  flush();
  return blocks;
}
