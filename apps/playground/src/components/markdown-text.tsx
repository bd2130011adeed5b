import { useMemo } from 'react';
import { highlightCode } from '../state/highlight-code.js';
import { markdownBlocks } from '../state/markdown.js';
import { CopyButton } from './copy-button.js';

/** A fenced code block: highlighted, with its language and a copy button. */
function CodeBlock({ language, code }: { language: string; code: string }) {
  const html = useMemo(() => highlightCode(code, language), [code, language]);
  return (
    <div className="md-code-block" data-testid="code-block">
      <div className="md-code-block__bar">
        <span className="muted small">{language || 'text'}</span>
        <CopyButton text={code} label="Copy code" />
      </div>
      <pre className="md-code" data-language={language}>
        {/* highlight.js output, which escapes the code. */}
        <code className="hljs" dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </div>
  );
}

/** An answer's Markdown, rendered safely (see {@link markdownBlocks}), with a caret while it streams. */
export function MarkdownText({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = useMemo(() => markdownBlocks(text), [text]);
  return (
    <div className="message-text markdown" data-testid="answer-text">
      {blocks.map((block, index) =>
        block.kind === 'code' ? (
          // Index keys: blocks only grow at the end while streaming.
          <CodeBlock key={index} language={block.language} code={block.code} />
        ) : (
          // Sanitised by DOMPurify after raw HTML was escaped (see markdownBlocks).
          <div key={index} className="markdown__html" dangerouslySetInnerHTML={{ __html: block.html }} />
        ),
      )}
      {streaming && <span className="caret" aria-hidden="true" />}
    </div>
  );
}
