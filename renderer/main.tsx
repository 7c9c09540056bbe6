import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { hasApi } from './api';
import { MainWindow, PopupWindow } from './App';
import { startStore, useStore } from './store';
import './styles.css';

// One bundle, two windows: the consent popup loads index.html#popup.
const isPopup = window.location.hash === '#popup';

function Root() {
  const theme = useStore((s) => s.settings?.theme ?? 'system');
  useEffect(() => startStore(), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return isPopup ? <PopupWindow /> : <MainWindow />;
}

const rootElement = document.getElementById('root');
if (rootElement) {
  document.title = isPopup ? 'Airlock: call waiting' : 'Airlock';
  document.body.classList.add(isPopup ? 'is-popup' : 'is-main');
  if (hasApi()) {
    createRoot(rootElement).render(
      <StrictMode>
        <Root />
      </StrictMode>,
    );
  } else {
    rootElement.textContent = 'Airlock cannot reach its core: window.airlock is missing.';
  }
}
