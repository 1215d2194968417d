// Keyboard shortcuts of the review queue: j/k move between items, a approves, e edits the value, r rejects.
document.addEventListener('keydown', function (event) {
  var target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey || target.matches('input, textarea, select')) {
    return;
  }
  var items = Array.prototype.slice.call(document.querySelectorAll('article.review'));
  if (items.length === 0) {
    return;
  }
  var current = target.closest ? target.closest('article.review') : null;
  var index = items.indexOf(current);
  if (event.key === 'j' || event.key === 'k') {
    var next = event.key === 'j' ? Math.min(items.length - 1, index + 1) : Math.max(0, index - 1);
    items[next].focus();
    event.preventDefault();
    return;
  }
  if (!current) {
    return;
  }
  var button = { a: 'button.approve', r: 'button.reject' }[event.key];
  if (button && current.querySelector(button)) {
    current.querySelector(button).click();
    event.preventDefault();
  } else if (event.key === 'e' && current.querySelector('textarea.value')) {
    current.querySelector('textarea.value').focus();
    event.preventDefault();
  }
});

// htmx leaves a page as it is when a partial request is answered with an error (a 403 for a stale CSRF token,
// a role that may not do the change, a session that expired): say so in the page's alert box instead.
document.addEventListener('htmx:responseError', function (event) {
  var xhr = event.detail.xhr;
  var text = xhr.responseText || '';
  if ((xhr.getResponseHeader('Content-Type') || '').indexOf('text/html') === 0) {
    var page = new DOMParser().parseFromString(text, 'text/html');
    var reason = page.getElementById('refused') || page.querySelector('main') || page.body;
    text = reason ? reason.textContent.trim() : '';
  }
  var box = document.getElementById('console-error');
  if (box) {
    box.textContent = (xhr.status === 403 ? 'Refused: ' : 'The console answered ' + xhr.status + ': ') + text;
    box.hidden = false;
  }
});

// A successful partial update clears an earlier error.
document.addEventListener('htmx:afterSwap', function () {
  var box = document.getElementById('console-error');
  if (box) {
    box.hidden = true;
    box.textContent = '';
  }
});
