import '@backstage/cli/asset-types';
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import { app } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
ReactDOM.createRoot(root).render(app.createRoot());
