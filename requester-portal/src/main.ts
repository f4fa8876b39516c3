import '@common/base.css';
import './styles.css';
import { RequesterApp } from './app';

const root = document.getElementById('app');
if (root) void new RequesterApp(root).start();
