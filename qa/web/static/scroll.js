(payload) => {
  let target = null;
  try { target = JSON.parse(payload); } catch (e) { return; }
  const find = () => target.view === "full" ? document.getElementById(target.anchor)
                                             : document.querySelector("#qa-context-panel .qa-focus");
  let tries = 0;
  const go = () => {
    const node = find();
    if (node && target.view === "full") { node.scrollIntoView({block: "start"}); return; }
    if (node) {  // the cited paragraph at the top of the panel, the panel in view
      const box = node.closest(".qa-context");
      box.scrollTop += node.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      box.scrollIntoView({block: "nearest"});
      return;
    }
    if (++tries < 20) setTimeout(go, 100);
  };
  setTimeout(go, 50);
}
