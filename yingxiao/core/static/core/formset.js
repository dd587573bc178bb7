/*
 * Line formsets that grow in the browser, without a library.
 *
 * Markup (one block per formset):
 *   <div data-formset="PREFIX">
 *     {{ formset.management_form }}
 *     <div data-formset-rows>…one element per row…</div>
 *     <template data-formset-empty>…the row of formset.empty_form (names hold __prefix__)…</template>
 *     <button type="button" data-formset-add>…</button>
 *   </div>
 *
 * "Add" copies the template with the next row number in place of __prefix__, raises PREFIX-TOTAL_FORMS
 * and moves the focus to the new row; the button is disabled once PREFIX-MAX_NUM_FORMS rows are there.
 * Without JavaScript the form still works with its extra rows (save, then edit to get more).
 */
(function () {
  "use strict";

  function setUp(box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = box.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var rows = box.querySelector("[data-formset-rows]");
    var template = box.querySelector("template[data-formset-empty]");
    var button = box.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !button) {
      return;
    }
    var limit = max && max.value ? parseInt(max.value, 10) : Infinity;

    function count() {
      return parseInt(total.value, 10) || 0;
    }

    function refresh() {
      button.disabled = count() >= limit;
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      var index = count();
      if (index >= limit) {
        return;
      }
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      refresh();
      var added = rows.lastElementChild;
      var field = added && added.querySelector("input:not([type=hidden]), select, textarea");
      if (field) {
        field.focus();
      }
    });
    refresh();
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();
