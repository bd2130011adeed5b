import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/app.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { adoptLinkedKey } from './state/adopt-linked-key.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/controls.css';
import './styles/usage.css';
import './styles/markdown.css';

adoptLinkedKey();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
