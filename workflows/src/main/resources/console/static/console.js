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
