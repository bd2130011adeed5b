import { useEffect, useState } from 'react';
import { buildParams, composeRequest, settingsIssues } from '../state/build-request.js';
import { activePath } from '../state/conversation-tree.js';
import { sentHistory } from '../state/sent-history.js';
import { usePlayground } from './playground-context.js';

/** The open chat's title (editable) and the export of the request Send would make. */
export function ChatHeader() {
  const { conversation, dispatch, openExport, notify } = usePlayground();
  const [title, setTitle] = useState(conversation.title);
  useEffect(() => setTitle(conversation.title), [conversation.title]);
  const commit = () => {
    if (title.trim() !== conversation.title) dispatch({ type: 'rename', id: conversation.id, title });
  };
  const exportNext = () => {
    const issue = settingsIssues(conversation.settings)[0];
    if (issue) return notify(issue.message);
    const messages = sentHistory(activePath(conversation.tree));
    if (messages.length === 0) messages.push({ role: 'user', content: 'Hello!' });
    openExport({
      title: 'Export the next request',
      request: composeRequest(buildParams(conversation.settings), conversation.settings.system, messages),
    });
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
      <button type="button" className="small-button" onClick={exportNext}>
        Export request
      </button>
    </div>
  );
}
