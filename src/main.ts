// Placeholder until the "Lit todo app" issue lands.
const el = document.querySelector('todo-app');
if (el) el.textContent = 'Todo app: coming soon.';
