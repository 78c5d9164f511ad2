/** The web page's entry point (bundled by scripts/build-web.mjs): styles, language, then the app. */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { html, render } from 'htm/preact';
import { App } from './app.ts';
import { lang, setLang } from './i18n/i18n.ts';

setLang(lang());
const root = document.getElementById('app') as HTMLElement;
// What the server put there for readers without the script (the refused config's problems) gives way to the app.
root.textContent = '';
render(html`<${App} />`, root);
