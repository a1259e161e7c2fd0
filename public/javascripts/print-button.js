/* global document, window */
// The print view's "Print this report" button (shown by CSS only where JavaScript runs): without
// JavaScript the browser's own print command does the same.
for (const button of document.querySelectorAll('[data-module="app-print"]')) {
  button.addEventListener('click', () => window.print());
}
