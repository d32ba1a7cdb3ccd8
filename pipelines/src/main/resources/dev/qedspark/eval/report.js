// The evaluation report's behaviour: answers rendered as mathematics when the page loads, the
// texts of a sample (problem, response, judge's answer) when the sample is opened, and a grid
// cell opening the sample it links to. Without KaTeX everything stays LaTeX source.
(function () {
  var katexLoaded = typeof katex !== 'undefined' && typeof renderMathInElement !== 'undefined';
  var delimiters = [
    {left: '$$', right: '$$', display: true}, {left: '\\[', right: '\\]', display: true},
    {left: '\\(', right: '\\)', display: false}, {left: '$', right: '$', display: false}];
  function renderTexts(root) {
    root.querySelectorAll('.tex').forEach(function (element) {
      if (!element.dataset.rendered) {
        element.dataset.rendered = '1';
        renderMathInElement(element, {delimiters: delimiters, throwOnError: false});
      }
    });
  }
  if (katexLoaded) {
    document.querySelectorAll('.formula').forEach(function (element) {
      katex.render(element.textContent, element, {throwOnError: false});
    });
    document.querySelectorAll('details.sample').forEach(function (sample) {
      sample.addEventListener('toggle', function () {
        if (sample.open) {
          renderTexts(sample);
        }
      });
    });
  }
  function openLinkedSample() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === 'DETAILS') {
      target.open = true;
    }
  }
  window.addEventListener('hashchange', openLinkedSample);
  openLinkedSample();
})();
