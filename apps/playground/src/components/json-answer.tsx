import { useMemo, useState } from 'react';
import { formatJsonPath, prettyJsonLines, violationsByLine } from '../state/json-lines.js';
import { validateJson } from '../state/json-schema-validator.js';
import { parseJsonText } from '../state/parse-json-text.js';

interface JsonAnswerProps {
  text: string;
  /** The schema it must match (json_schema), or undefined for plain JSON mode. */
  schema: unknown;
  schemaName?: string | undefined;
}

/** A JSON answer: checked, validated against the schema, pretty-printed with errors marked on their lines. */
export function JsonAnswer({ text, schema, schemaName }: JsonAnswerProps) {
  const [raw, setRaw] = useState(false);
  const result = useMemo(() => {
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { parsed, lines: [], marks: [], violations: [] };
    const violations = schema === undefined ? [] : validateJson(parsed.value, schema);
    const lines = prettyJsonLines(parsed.value);
    return { parsed, lines, marks: violationsByLine(lines, violations), violations };
  }, [text, schema]);
  const { parsed, violations } = result;
  const verdict = !parsed.ok
    ? {
        ok: false,
        text: `Not valid JSON: ${parsed.error.message} (line ${parsed.error.line}, column ${parsed.error.column})`,
      }
    : violations.length > 0
      ? {
          ok: false,
          text: `${violations.length} schema error${violations.length === 1 ? '' : 's'}${schemaName ? ` against ${schemaName}` : ''}`,
        }
      : {
          ok: true,
          text: schema === undefined ? 'Valid JSON' : `Valid against schema ${schemaName ?? ''}`.trim(),
        };
  return (
    <div className="json-answer" data-testid="json-answer" data-valid={verdict.ok}>
      <div className="json-answer__bar">
        <span
          className={verdict.ok ? 'status status--good' : 'status status--bad'}
          data-testid="json-verdict"
        >
          {verdict.ok ? '✓ ' : '✗ '}
          {verdict.text}
        </span>
        {parsed.ok && (
          <button type="button" className="small-button" aria-pressed={raw} onClick={() => setRaw(!raw)}>
            {raw ? 'Pretty' : 'Raw'}
          </button>
        )}
      </div>
      {!parsed.ok || raw ? (
        <pre className="code-block">{text}</pre>
      ) : (
        <pre className="code-block json-lines">
          {result.lines.map((line, i) => {
            const marks = result.marks[i] ?? [];
            return (
              <span key={i} className={marks.length > 0 ? 'json-line json-line--error' : 'json-line'}>
                {line.text}
                {marks.length > 0 && (
                  <span className="json-line__error" title={formatJsonPath(line.path)}>
                    {'  ← '}
                    {marks.join('; ')}
                  </span>
                )}
                {'\n'}
              </span>
            );
          })}
        </pre>
      )}
    </div>
  );
}
