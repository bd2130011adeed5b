import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// The languages models write most; the core alone stays small (an unknown language is escaped text).
for (const [name, language] of Object.entries({
  bash,
  go,
  javascript,
  json,
  python,
  rust,
  typescript,
  xml,
  yaml,
})) {
  hljs.registerLanguage(name, language);
}

/** `text` with the HTML special characters escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * `code` as HTML: highlight.js spans when `language` is one it knows (by name or alias such as
 * `ts`, `sh`, `html`), escaped text otherwise. highlight.js escapes the code itself.
 */
export function highlightCode(code: string, language: string): string {
  const name = language.trim().split(/\s/)[0]?.toLowerCase() ?? '';
  if (name && hljs.getLanguage(name)) return hljs.highlight(code, { language: name }).value;
  return escapeHtml(code);
}
