import { useEffect, useState } from 'react';
import { settingsIssues } from '../state/build-request.js';
import { chatExportChoices } from '../state/export-requests.js';
import { usePlayground } from './playground-context.js';

/** The open chat's title (editable) and the export of its last request and of the next one (with `draft`). */
export function ChatHeader({ draft }: { draft: string }) {
  const { conversation, dispatch, openExport, notify } = usePlayground();
  const [title, setTitle] = useState(conversation.title);
  useEffect(() => setTitle(conversation.title), [conversation.title]);
  const commit = () => {
    if (title.trim() !== conversation.title) dispatch({ type: 'rename', id: conversation.id, title });
  };
  const exportRequest = () => {
    const issue = settingsIssues(conversation.settings)[0];
    if (issue) return notify(issue.message);
    openExport({ title: 'Export a request', choices: chatExportChoices(conversation, draft) });
  };
  return (
    <div className="chat-header">
      <label className="visually-hidden" htmlFor="chat-title">
        Chat title
      </label>
      <input
        id="chat-title"
        className="chat-header__title"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
      />
      <button type="button" className="small-button" onClick={exportRequest}>
        Export request
      </button>
    </div>
  );
}
