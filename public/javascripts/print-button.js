/* global document, window */
// The print view's "Print this report" button: shown only when this script runs, since without
// JavaScript the browser's own print command does the same.
for (const button of document.querySelectorAll('[data-module="app-print"]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
