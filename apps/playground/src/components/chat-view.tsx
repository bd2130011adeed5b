import { useEffect, useMemo, useRef, useState } from 'react';
import { settingsIssues } from '../state/build-request.js';
import { targetModels } from '../state/chat-settings.js';
import { activePath } from '../state/conversation-tree.js';
import { pendingToolCalls } from '../state/tool-turns.js';
import { ChatHeader } from './chat-header.js';
import { Composer } from './composer.js';
import { ConnectStep } from './connect-step.js';
import { ErrorNotice } from './error-notice.js';
import { MessageThread } from './message-thread.js';
import { usePlayground } from './playground-context.js';

interface ChatViewProps {
  draft: string;
  onDraft: (text: string) => void;
  images: readonly string[];
  onImages: (images: string[]) => void;
  onSend: () => void;
  onOpenConnection: () => void;
}

/** The open conversation: header, messages, and the composer. */
export function ChatView({ draft, onDraft, images, onImages, onSend, onOpenConnection }: ChatViewProps) {
  const { conversation, runner, models, connection } = usePlayground();
  const running = runner.isRunning(conversation.id);
  // Screen readers hear when answers are done (the thread itself is not a live region: too chatty).
  const [announcement, setAnnouncement] = useState('');
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running)
      setAnnouncement(`Answer finished at ${new Date().toLocaleTimeString()}.`);
    if (running) setAnnouncement('Generating the answer…');
    wasRunning.current = running;
  }, [running]);
  const blocked = useMemo(() => {
    if (pendingToolCalls(activePath(conversation.tree)).length > 0)
      return 'Answer the tool calls above to continue.';
    const issue = settingsIssues(conversation.settings)[0];
    return issue ? `${issue.message} (see Settings)` : null;
  }, [conversation]);
  return (
    <>
      {!connection.connection.apiKey ? (
        <ConnectStep
          connection={connection.connection}
          onConnect={connection.setConnection}
          onOpenConnection={onOpenConnection}
        />
      ) : (
        models.error && (
          <div className="banner">
            <ErrorNotice error={models.error} compact />
            <div className="banner__actions">
              <button type="button" className="button" onClick={models.reload}>
                Retry
              </button>
              <button type="button" className="button button--primary" onClick={onOpenConnection}>
                Connection settings
              </button>
            </div>
          </div>
        )
      )}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      <ChatHeader draft={draft} />
      <MessageThread />
      <Composer
        value={draft}
        onChange={onDraft}
        images={images}
        onImages={onImages}
        onSend={onSend}
        onStop={() => runner.stop(conversation.id)}
        running={running}
        blocked={blocked}
        models={targetModels(conversation.settings)}
      />
    </>
  );
}
