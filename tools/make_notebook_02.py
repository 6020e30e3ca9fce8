"""Scaffold of notebooks/02 (kept so the notebook's structure can be regenerated and reviewed as code).

Run: .venv/bin/python tools/make_notebook_02.py
"""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# What really drives emotional connection\n\n"
       "*Notebook 02 of the cxlib workbook: which experience elements move customers' emotional connection, "
       "compared with what customers say matters, and which journey stages and experience dimensions count most.*"),
    code('engagement = "../data/demo-retailer"  # engagement folder\n'
         'seed = 0  # random seed for every resampling step\n'
         'out = "../reports/demo-retailer"  # where this engagement\'s report is published\n'
         'n_boot = 1000  # bootstrap resamples for every interval',
         metadata={"tags": ["parameters"]}),
    code("import matplotlib.pyplot as plt\n"
         "import pandas as pd\n"
         "from IPython.display import Markdown, display\n\n"
         "import cxlib as cx\n"
         "from cxlib import drivers, plots, report\n\n"
         "plots.set_theme()\n"
         "eng = cx.load_engagement(engagement)\n"
         "frame = eng.frame()\n"
         "cfg = eng.config\n"
         "weight = cfg.get('weight')\n"
         "imp = drivers.importance(frame, eng.codebook, 'connection_index', weight=weight, n_boot=n_boot, seed=seed)\n"
         "stages = drivers.rollup(imp, by='stage')\n"
         "dims = drivers.rollup(imp, by='dimension')\n"
         "stability = drivers.rank_stability(imp, top=10)\n"
         "hidden = imp[imp.quadrant == 'hidden driver'].sort_values('derived', ascending=False)\n"
         "overrated = imp[imp.quadrant == 'overrated'].sort_values('stated', ascending=False)\n"
         "key = imp[imp.quadrant == 'key driver'].sort_values('derived', ascending=False)\n"
         "n = imp.attrs['n']"),
    code("def names(d, k=5):\n"
         "    items = [f'**{e}**' for e in d['element'].head(k)]\n"
         "    more = f' and {len(d) - k} more' if len(d) > k else ''\n"
         "    return ', '.join(items) + more if items else 'none'\n\n"
         "top_stage = stages.iloc[0]\n"
         "display(Markdown('\\n\\n'.join([\n"
         "    f'### {eng.client}: headline findings',\n"
         "    f'**{len(hidden)} hidden drivers**: {names(hidden)}. Customers do not call them important, yet they move '\n"
         "    'emotional connection more than an average element does.',\n"
         "    f'**{len(overrated)} overrated elements**: {names(overrated)}. Customers say they matter, but they do not '\n"
         "    'move emotional connection.',\n"
         "    f'**{len(key)} key drivers** matter on both counts: {names(key)}.',\n"
         "    f'The journey stage that matters most is **{top_stage.stage}**: {top_stage.derived:.0f}% of the connection '\n"
         "    f'the experience explains (95% CI {top_stage.ci_low:.0f}–{top_stage.ci_high:.0f}%; n={n:,}).',\n"
         "] + ([f'*Not estimable:* ' + '; '.join(f'**{e}** ({why})' for e, why in imp.attrs['excluded'].items())\n"
         "      + '. An element needs varying ratings before its link to connection can be measured.']\n"
         "     if imp.attrs.get('excluded') else []))))"),
    md("## What customers say matters, and what moves connection\n\n"
       "Each dot is an experience element. Across: *stated importance*, how important customers say it is. Up: "
       "*derived importance*, the share of the variation in emotional connection the element accounts for "
       "(relative weights of all elements' performance ratings). The dashed lines divide the map into four quadrants."),
    code("fig, ax = plt.subplots(figsize=(10, 7))\nplots.importance_map(imp, ax=ax)\nplt.show()\n"
         "display(Markdown(imp.attrs['rule']))"),
    md("## Hidden drivers and overrated elements"),
    code("cols = {'element': 'Element', 'stage': 'Journey stage', '__estimate__:derived': 'Derived importance, % (95% CI)'}\n"
         "table = lambda d: report.estimate_table(d.assign(n=n), columns=cols, fmt='{:.1f}')\n"
         "display(Markdown('**Hidden drivers**: high derived importance, low stated importance.'))\n"
         "display(table(hidden))\n"
         "display(Markdown('**Overrated**: customers call them important; they do not move connection.'))\n"
         "display(report.estimate_table(overrated.assign(n=n, stated_text=overrated['stated'].map('{:.0f}/100'.format)),\n"
         "        columns={'element': 'Element', 'stage': 'Journey stage', 'stated_text': 'Stated importance',\n"
         "                 '__estimate__:derived': 'Derived importance, % (95% CI)'}, fmt='{:.1f}'))"),
    md("## Journey stages and experience dimensions"),
    code("fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))\n"
         "plots.rollup(stages, by='stage', ax=axes[0], n=n)\nplots.rollup(dims, by='dimension', ax=axes[1], n=n)\n"
         "plt.tight_layout()\nplt.show()"),
    md("## Where to act first\n\n"
       "*Opportunity* = derived importance × room to improve (100 − performance): the elements where better "
       "performance would raise connection most."),
    code("pri = drivers.priorities(imp, top=10)\n"
         "display(pri.assign(derived=pri['derived'].map('{:.1f}%'.format), performance=pri['performance'].map('{:.0f}/100'.format),\n"
         "                   opportunity=pri['opportunity'].map('{:.2f}'.format))\n"
         "    .rename(columns=str.capitalize).style.hide(axis='index').format(escape='html'))"),
    md("## How certain the ranking is\n\n"
       "The ten most important elements, with the range their rank took across bootstrap resamples and how often "
       "each stayed in the top ten. Below, which of the top five clearly differ from each other."),
    code("top10 = stability.head(10)\n"
         "display(top10.assign(rank_interval=[f'{a}–{b}' for a, b in zip(top10.rank_ci_low, top10.rank_ci_high)],\n"
         "                     in_top=top10['in_top'].map('{:.0%}'.format))[['rank', 'element', 'rank_interval', 'in_top']]\n"
         "    .rename(columns={'rank': 'Rank', 'element': 'Element', 'rank_interval': 'Rank, 95% interval', 'in_top': 'In top 10'})\n"
         "    .style.hide(axis='index').format(escape='html'))\n"
         "pairs = drivers.pairwise_differences(imp, names=top10['element'].head(5).tolist())\n"
         "clear = pairs[pairs['clear']]\n"
         "display(Markdown(f'{len(clear)} of {len(pairs)} pairs among the top five differ clearly (95% interval of the difference '\n"
         "                 'excludes zero); the others cannot be told apart with this sample.'))"),
    md("## Elements that lower connection"),
    code("lowering = imp[imp['lowers_outcome'] & (imp['derived'] > imp.attrs['derived_cut'])]\n"
         "display(Markdown('No element with more than an average share goes with lower connection.' if lowering.empty else\n"
         "    'These elements go with *lower* connection when they perform better (check the question wording): '\n"
         "    + ', '.join(lowering['element']) + '.'))"),
    md("## The same elements against other outcomes\n\n"
       "Derived importance for being fully connected (yes/no, logistic relative weights) and for the headline value."),
    code("fc_flag = (frame['segment'] == 'fully connected').astype(float).where(frame['segment'].notna())\n"
         "headline = cfg['value'][0]\n"
         "alt = {'Connection index': imp.set_index('element')['derived']}\n"
         "not_estimable = {}\n"
         "for label, data, outcome in [('Fully connected (yes/no)', frame.assign(fully_connected=fc_flag), 'fully_connected'),\n"
         "                             (report.pretty(headline), frame, headline)]:\n"
         "    try:\n"
         "        alt[label] = drivers.importance(data, eng.codebook, outcome, weight=weight, n_boot=0).set_index('element')['derived']\n"
         "    except ValueError as exc:  # e.g. too few fully connected respondents for this many elements\n"
         "        not_estimable[label] = str(exc).split(': ', 1)[-1]\n"
         "ranks = pd.DataFrame({k: v.rank(ascending=False).astype('Int64') for k, v in alt.items()})\n"
         "top = ranks.sort_values('Connection index').head(10)\n"
         "display(top.reset_index().rename(columns={'element': 'Element (rank by outcome)'}).style.hide(axis='index').format(escape='html'))\n"
         "if not_estimable:\n"
         "    display(Markdown('*Not estimable:* ' + '; '.join(f'**{k}**: {why}.' for k, why in not_estimable.items())))"),
    md("## Notes on method"),
    code("display(Markdown(report.methods_common(eng)))"),
    code("display(Markdown('\\n'.join([\n"
         "    f'- **Sample.** {n:,} respondents with a connection index and consent to analytics'\n"
         "    + (f'; weighted by `{weight}` (effective sample size {imp.attrs[\"n_effective\"]:,.0f}).' if weight else '.'),\n"
         "    f'- **Derived importance.** Johnson\\'s relative weights of the {len(imp)} elements\\' performance ratings on the '\n"
         "    f'connection index (model R² = {imp.attrs[\"r2\"]:.2f}); each weight is the element\\'s share of the explained variation.',\n"
         "    '- **Unanswered elements** (“not experienced”) are set to the element\\'s average, so a blank neither raises nor '\n"
         "    'lowers its weight; pairwise or listwise deletion can be chosen in `cxlib.drivers.importance`.',\n"
         "    f'- **Intervals.** Percentile bootstrap, {n_boot:,} resamples of respondents, seed {seed}.',\n"
         "    f'- **Quadrants.** {imp.attrs[\"rule\"]}',\n"
         "])))"),
    code("def listing(d):\n"
         "    return [{'element': r.element, 'stage': r.stage, 'stated': r.stated,\n"
         "             **report.estimate_dict(r.derived, r.ci_low, r.ci_high, n)} for r in d.itertuples()]\n"
         "report.record('hidden_drivers', listing(hidden))\n"
         "report.record('overrated', listing(overrated))\n"
         "report.record('key_drivers', listing(key))"),
]
for i, cell in enumerate(cells):
    cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating the notebook gives a reviewable diff
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nb.metadata["title"] = "What really drives emotional connection"
nbf.write(nb, "notebooks/02_driver_analysis.ipynb")
