import { type ChangeEvent, useRef } from 'react';
import { exportConversations, importConversations } from '../state/conversation-file.js';
import { activePath } from '../state/conversation-tree.js';
import type { Conversation, PlaygroundAction, PlaygroundData } from '../state/playground-state.js';

interface ConversationSidebarProps {
  data: PlaygroundData;
  dispatch: (action: PlaygroundAction) => void;
  runningIn: (conversationId: string) => boolean;
  notify: (message: string) => void;
  onNavigate: () => void;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function fileSlug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'chat'
  );
}

/** How many messages the shown branch has and when it last changed: tells like-named chats apart. */
function chatMeta(conversation: Conversation): string {
  const count = activePath(conversation.tree).length;
  const date = new Date(conversation.updatedAt);
  const when =
    date.toDateString() === new Date().toDateString()
      ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
  return `${count} message${count === 1 ? '' : 's'} · ${when}`;
}

/** The saved conversations, with new, delete, import and export. */
export function ConversationSidebar({
  data,
  dispatch,
  runningIn,
  notify,
  onNavigate,
}: ConversationSidebarProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const active = data.conversations[data.activeId];
  const onImport = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const result = importConversations(await file.text());
    if (!result.ok) return notify(`Import failed: ${result.error}`);
    dispatch({ type: 'import', conversations: result.conversations });
    notify(
      `Imported ${result.conversations.length} conversation${result.conversations.length === 1 ? '' : 's'}.`,
    );
    onNavigate();
  };
  return (
    <div className="sidebar-panel">
      <button
        type="button"
        className="button button--primary button--block"
        onClick={() => {
          dispatch({ type: 'new', now: Date.now() });
          onNavigate();
        }}
      >
        New chat
      </button>
      <h2 className="panel-title" id="chats-title">
        Chats
      </h2>
      <ul className="conversation-list" aria-labelledby="chats-title">
        {data.order.map((id) => {
          const conversation = data.conversations[id];
          if (!conversation) return null;
          const current = id === data.activeId;
          return (
            <li key={id} className={current ? 'conversation-item is-active' : 'conversation-item'}>
              <button
                type="button"
                className="conversation-item__open"
                aria-current={current ? 'page' : undefined}
                onClick={() => {
                  dispatch({ type: 'open', id });
                  onNavigate();
                }}
              >
                <span className="conversation-item__text">
                  <span className="conversation-item__title">{conversation.title}</span>
                  <span className="conversation-item__meta">{chatMeta(conversation)}</span>
                </span>
                {runningIn(id) && (
                  <span className="spinner spinner--small" role="img" aria-label="answering" />
                )}
              </button>
              <button
                type="button"
                className="icon-button conversation-item__delete"
                aria-label={`Delete chat ${conversation.title}`}
                onClick={() => dispatch({ type: 'delete', id, now: Date.now() })}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <div className="sidebar-panel__footer">
        <button
          type="button"
          className="small-button"
          disabled={!active}
          onClick={() => active && download(`${fileSlug(active.title)}.json`, exportConversations([active]))}
        >
          Export chat
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() =>
            download(
              'switchyard-playground.json',
              exportConversations(
                data.order.map((id) => data.conversations[id]).filter((c) => c !== undefined),
              ),
            )
          }
        >
          Export all
        </button>
        <button type="button" className="small-button" onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Import conversations from a JSON file"
          data-testid="import-input"
          onChange={(e) => void onImport(e)}
        />
      </div>
    </div>
  );
}
