// The admin's "copy the code" button: copies the widget snippet to the clipboard. Without
// JavaScript the code can still be selected and copied by hand.
document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copyTarget);
    field.select();
    const done = document.querySelector("[data-copy-done]");
    const show = () => { if (done) done.hidden = false; };
    if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(show, () => document.execCommand("copy") && show());
    } else if (document.execCommand("copy")) {
        show();
    }
});
