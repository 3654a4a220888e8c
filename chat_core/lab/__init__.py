"""The tutor lab's pure core: few-shot sets, comparisons, the context window as chart data, request -> code."""
