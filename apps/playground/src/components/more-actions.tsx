import { type ReactNode, useRef } from 'react';

/**
 * A "⋯" menu for a message's less frequent actions, so that its action row stays one line on a
 * phone. Choosing an item closes the menu.
 */
export function MoreActions({ label, children }: { label: string; children: ReactNode }) {
  const menu = useRef<HTMLDetailsElement>(null);
  return (
    <details className="more-actions" ref={menu}>
      <summary className="small-button more-actions__toggle" aria-label={label} title={label}>
        ⋯
      </summary>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: closes the menu after a click on one of its buttons. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the buttons inside handle the keyboard. */}
      <div
        className="more-actions__list"
        onClick={() => {
          if (menu.current) menu.current.open = false;
        }}
      >
        {children}
      </div>
    </details>
  );
}
