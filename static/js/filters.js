// The filters' multiple selects (authorities, frameworks) become pickers you can type into
// (Tom Select, static/vendor/tom-select). Without JavaScript they stay native selects, and the
// form sends the same query string either way.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;
  document.querySelectorAll(".filters select[multiple]").forEach(function (select) {
    var picker = new TomSelect(select, {
      plugins: { remove_button: { title: "Remove" } },
      maxOptions: null,
      placeholder: "Type to find…",
      closeAfterSelect: true
    });
    // The hint said "hold Ctrl"; the typed picker needs a hint of its own, and its input the
    // same description the native select had.
    var hintId = select.getAttribute("aria-describedby");
    var hint = hintId && document.getElementById(hintId);
    if (hint && hint.dataset.typeable) hint.textContent = hint.dataset.typeable;
    if (hintId) picker.control_input.setAttribute("aria-describedby", hintId);
    // The label now names the picker's input (Tom Select moves its `for`); the native select,
    // hidden and out of the tab order, still sends the form but is no second field to hear.
    select.setAttribute("aria-hidden", "true");
  });
})();
