/* Counter page shortcuts: N call next, U recall, M start serving, T park, S finish (not while typing). */
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
  var button = document.querySelector('#q-panel [data-key="' + event.key.toLowerCase() + '"]');
  if (button) { event.preventDefault(); button.click(); }
});
