/* Copy buttons for calendar addresses (progressive enhancement).
 *
 * Without JavaScript each address sits in a read-only field that people select and copy
 * themselves, and the buttons stay hidden. With it, each button appears and copies its
 * field; the result is announced in the field's status line. Where the clipboard cannot be
 * written (an old browser, a page not served over https), the address is selected instead.
 */
(function () {
    "use strict";

    function select(field) {
        field.focus();
        field.select();
        field.setSelectionRange(0, field.value.length);
    }

    function announce(field, text) {
        var status = document.getElementById(field.getAttribute("aria-describedby"));
        if (!status) {
            return;
        }
        status.textContent = text;
        window.clearTimeout(status.copyTimer);
        status.copyTimer = window.setTimeout(function () {
            status.textContent = "";
        }, 5000);
    }

    function copy(button) {
        var field = document.getElementById(button.getAttribute("data-copy"));
        if (!field) {
            return;
        }
        function selected() {
            select(field);
            announce(field, button.getAttribute("data-selected"));
        }
        if (!navigator.clipboard || !window.isSecureContext) {
            selected();
            return;
        }
        navigator.clipboard.writeText(field.value).then(function () {
            announce(field, button.getAttribute("data-copied"));
        }, selected);
    }

    function start() {
        var buttons = document.querySelectorAll("button[data-copy]");
        Array.prototype.forEach.call(buttons, function (button) {
            button.hidden = false;
            button.addEventListener("click", function () {
                copy(button);
            });
        });
        var fields = document.querySelectorAll(".feed__url");
        Array.prototype.forEach.call(fields, function (field) {
            field.addEventListener("focus", function () {
                field.select();
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
