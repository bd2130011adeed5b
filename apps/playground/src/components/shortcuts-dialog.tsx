import { IS_MAC } from '../hooks/use-shortcuts.js';
import { keyLabel, SHORTCUTS } from '../state/shortcuts.js';
import { ModalDialog } from './modal-dialog.js';

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <ModalDialog title="Keyboard shortcuts" open={open} onClose={onClose}>
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.action}>
              <td>
                {shortcut.keys.map((key) => (
                  <kbd key={key}>{keyLabel(key, IS_MAC)}</kbd>
                ))}
              </td>
              <td>{shortcut.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ModalDialog>
  );
}
