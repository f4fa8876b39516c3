import '@common/base.css';
import './styles.css';
import { WorkerApp } from './app';

const root = document.getElementById('app');
if (root) void new WorkerApp(root).start();
