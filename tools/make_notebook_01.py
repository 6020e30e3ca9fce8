"""Scaffold of notebooks/01 (kept so the notebook's structure can be regenerated and reviewed as code).

Run: .venv/bin/python tools/make_notebook_01.py
"""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# Emotional connection and what it is worth\n\n"
       "*Notebook 01 of the cxlib workbook: who is emotionally connected to the brand, what a connected customer "
       "is worth compared with a merely satisfied one, and which emotional motivators drive that value.*"),
    code('engagement = "../data/demo-retailer"  # engagement folder\n'
         'seed = 0  # random seed for every resampling step\n'
         'out = "../reports/demo-retailer"  # where this engagement\'s report is published\n'
         'n_boot = 2000  # bootstrap resamples for every interval',
         metadata={"tags": ["parameters"]}),
    code("import matplotlib.pyplot as plt\n"
         "import pandas as pd\n"
         "from IPython.display import Markdown, display\n\n"
         "import cxlib as cx\n"
         "from cxlib import motivators, plots, report, segments\n\n"
         "plots.set_theme()\n"
         "eng = cx.load_engagement(engagement)\n"
         "frame = eng.frame()\n"
         "cfg = eng.config\n"
         "weight = cfg.get('weight')\n"
         "min_cell = cfg['privacy']['min_cell']\n"
         "values = cfg['value']\n"
         "headline = values[0]\n"
         "shares = segments.shares(frame, weight=weight)\n"
         "n_segmented = int(shares['n'].sum())\n"
         "by_segment = {v: motivators.value_by_segment(frame, v, weight=weight, n_boot=n_boot, seed=seed) for v in values}\n"
         "multipliers = {v: motivators.value_multiplier(frame, v, weight=weight, n_boot=n_boot, seed=seed) for v in values}\n"
         "ranking = motivators.rank(frame, eng.codebook, headline, weight=weight, n_boot=n_boot, seed=seed)\n"
         "top = ranking.head(3)"),
    code("def multiplier_sentence(value, est, kind):\n"
         "    what = report.pretty(value).lower()\n"
         "    if not pd.notna(est.estimate):\n"
         "        return f'The value of connection in {what} could not be estimated: {est.note}.'\n"
         "    measure = f'the rate of {what}' if kind == 'rate' else f'the {what}'\n"
         "    return (f'Fully connected customers show **{est.estimate:.1f}×** {measure} of highly satisfied customers '\n"
         "            f'(95% CI {est.ci_low:.1f}–{est.ci_high:.1f}×; n={est.n:,}).')\n\n"
         "def motivator_sentence():\n"
         "    what, r2, p = report.pretty(headline).lower(), ranking.attrs['r2'], ranking.attrs.get('r2_p_value')\n"
         "    if p is not None and p >= 0.05:\n"
         "        return (f'The emotional motivators do not measurably explain {what} for this client (together R² = {r2:.2f}, '\n"
         "                f'p = {p:.2f}, n={ranking.attrs[\"n\"]:,}), so no motivator is named as a driver of it.')\n"
         "    names = [report.pretty(m) for m in top['motivator']]\n"
         "    return ('The emotional motivators that drive ' + what + ' most for this client: **'\n"
         "            + '**, **'.join(names[:-1]) + '** and **' + names[-1] + '**'\n"
         "            + f' (together {top.rescaled.sum():.0f}% of the variation the motivators explain; R² = {r2:.2f}).')\n\n"
         "motivators_explain = ranking.attrs.get('r2_p_value') is None or ranking.attrs['r2_p_value'] < 0.05\n"
         "fc = shares.set_index('segment').loc['fully connected']\n"
         "display(Markdown('\\n\\n'.join([\n"
         "    f'### {eng.client}: headline findings',\n"
         "    multiplier_sentence(headline, multipliers[headline], by_segment[headline].attrs['kind']),\n"
         "    f'**{report.percent(fc.share)}** of customers are fully connected (95% CI {report.percent(fc.ci_low)}–{report.percent(fc.ci_high)}; n={n_segmented:,}).',\n"
         "    motivator_sentence(),\n"
         "])))"),
    md("## Who is connected\n\n"
       "Every respondent falls in one of three segments. **Fully connected** customers score at or above the "
       "connection threshold on the emotional-motivator questions. **Highly satisfied** customers are not fully "
       "connected but give the top satisfaction scores. Everyone else is **other**."),
    code("ax = plots.segment_shares(shares)\nplt.show()\ndisplay(report.share_table(shares, label='Segment'))"),
    md("## What a connected customer is worth\n\n"
       "Mean value per customer in each segment (for a yes/no outcome, the share of customers), and the *value "
       "multiplier*: how many times the fully connected segment's mean is the highly satisfied segment's. "
       "Intervals are 95% bootstrap intervals."),
    code("for v in values:\n"
         "    vbs = by_segment[v]\n"
         "    fig, ax = plt.subplots(figsize=(7, 4))\n"
         "    est = multipliers[v]\n"
         "    title = (f'Fully connected: {est.estimate:.1f}× the {report.pretty(v).lower()} of highly satisfied'\n"
         "             if pd.notna(est.estimate) else f'{report.pretty(v)} by segment')\n"
         "    plots.value_by_segment(vbs, label=report.pretty(v), kind=vbs.attrs['kind'], min_cell=min_cell, ax=ax, title=title)\n"
         "    plt.show()\n"
         "table = pd.concat([by_segment[v].assign(value=report.pretty(v)) for v in values])\n"
         "display(report.estimate_table(table, columns={'value': 'Value', 'segment': 'Segment',\n"
         "                                              '__estimate__:mean': 'Mean or rate (95% CI)'}, fmt='{:,.2f}', min_cell=min_cell))\n"
         "mult = pd.DataFrame([{'value': report.pretty(v), 'estimate': e.estimate, 'ci_low': e.ci_low, 'ci_high': e.ci_high,\n"
         "                      'n': e.n} for v, e in multipliers.items()])\n"
         "display(report.estimate_table(mult, columns={'value': 'Value', '__estimate__:estimate': 'Fully connected ÷ highly satisfied'},\n"
         "                              fmt='{:.2f}×', min_cell=min_cell))"),
    md("## Which emotional motivators drive value\n\n"
       "Customers' scores on the ten emotional motivators overlap, so their influence is split with *relative "
       "weights*: each motivator's share of the variation in value that the motivators explain together. "
       "The highlighted motivators are this client's top three; intervals come from bootstrap resampling, and "
       "*in top 3* is how often a motivator ranked in the top three across resamples."),
    code("ax = plots.motivator_ranking(ranking, outcome_label=report.pretty(headline))\nplt.show()\n"
         "display(report.estimate_table(ranking.assign(share=ranking['rescaled'], n=ranking.attrs['n']),\n"
         "        columns={'rank': 'Rank', 'motivator': 'Motivator', '__estimate__:share': 'Share of explained variation, % (95% CI)'},\n"
         "        fmt='{:.1f}'))\n"
         "if ranking.attrs['excluded']:\n"
         "    display(Markdown('*Not ranked:* ' + '; '.join(f'**{m}** ({why})' for m, why in ranking.attrs['excluded'].items())\n"
         "                     + '. A motivator whose score does not vary cannot explain any difference in value.'))"),
    md("## How the segments differ on each motivator\n\n"
       "Mean score (0–100) on each motivator by segment."),
    code("prof = motivators.profiles(frame, eng.codebook, weight=weight)\n"
         "fig, ax = plt.subplots(figsize=(8, 6))\nplots.motivator_profiles(prof, ax=ax)\nplt.show()"),
    md("## How well the motivators are measured\n\n"
       "Each motivator is measured by several questions. *Cronbach's alpha* says how consistently they measure "
       "one thing (0.7 or more is usually considered adequate). A factor analysis checks that each question "
       "goes with its own motivator rather than another one."),
    code("rel = motivators.reliability(frame, eng.codebook)\n"
         "display(report.estimate_table(rel.assign(est=rel['alpha']), columns={'motivator': 'Motivator', 'n_items': 'Questions',\n"
         "        '__estimate__:est': \"Cronbach's alpha (95% CI)\"}, fmt='{:.2f}'))\n"
         "weak = rel.loc[~rel['adequate'], 'motivator'].tolist()\n"
         "load = motivators.item_loadings(frame, eng.codebook)\n"
         "stray = load.loc[~load['loads_as_intended']]\n"
         "lines = []\n"
         "lines.append('All motivator scales are reliable (alpha ≥ 0.7).' if not weak else\n"
         "             'Less reliable scales (alpha below 0.7), to read with care: ' + ', '.join(weak) + '.')\n"
         "lines.append('Every question loads on its own motivator in the factor analysis '\n"
         "             f'(n={load.attrs[\"n\"]:,} complete answers).' if stray.empty else\n"
         "             f'{len(stray)} question(s) do not load on their intended motivator: ' +\n"
         "             '; '.join(f'{r.item} (meant for “{r.motivator}”)' for r in stray.itertuples()) + '.')\n"
         "if load.attrs['excluded']:\n"
         "    lines.append('Left out of the factor analysis, because everyone gave the same answer: '\n"
         "                 + '; '.join(f'{item} ({why})' for item, why in load.attrs['excluded'].items()) + '.')\n"
         "display(Markdown('\\n\\n'.join(lines)))"),
    md("## How strong the connection is\n\n"
       "The *connection index* (0–100) averages each customer's answers to the emotional-motivator questions, "
       "each rescaled to 0–100. The dashed line is the threshold for being fully connected."),
    code("ax = plots.index_distribution(frame, threshold=cfg['connection']['threshold'])\nplt.show()"),
    md("## Notes on method and sample"),
    code("display(Markdown(report.methods_common(eng)))"),
    code("notes = report.sample_notes(eng, frame, shares)\n"
         "notes += ('\\n- **Value intervals.** Means and multipliers: bias-corrected and accelerated (BCa) bootstrap, '\n"
         "          f'{n_boot:,} resamples drawn within each segment, seed {seed}. Segments with fewer than {min_cell} '\n"
         "          'customers are suppressed.')\n"
         "notes += ('\\n- **Motivator ranking.** Johnson\\'s relative weights of the ten motivator scores (0–100 each) '\n"
         "          f'on {report.pretty(headline).lower()}; respondents with a missing score or value are left out '\n"
         "          f'(n={ranking.attrs[\"n\"]:,}, model R² = {ranking.attrs[\"r2\"]:.2f}); percentile bootstrap intervals.')\n"
         "display(Markdown(notes))"),
    code("report.record('client', eng.client)\n"
         "report.record('n_respondents', n_segmented)\n"
         "report.record('segment_shares', {\n"
         "    r.segment: report.estimate_dict(r.share, r.ci_low, r.ci_high, r.n, n_effective=r.n_effective)\n"
         "    for r in shares.itertuples()\n"
         "})\n"
         "e = multipliers[headline]\n"
         "report.record('value_multiplier', report.estimate_dict(e.estimate, e.ci_low, e.ci_high, e.n, value=headline,\n"
         "                                                       n_effective=e.n_effective,\n"
         "                                                       **({} if pd.notna(e.estimate) else {'note': e.note})))\n"
         "report.record('value_multipliers', {v: report.estimate_dict(m.estimate, m.ci_low, m.ci_high, m.n) for v, m in multipliers.items()})\n"
         "report.record('top_motivators', [\n"
         "    {'motivator': r.motivator, **report.estimate_dict(r.rescaled, r.ci_low, r.ci_high, ranking.attrs['n'])}\n"
         "    for r in top.itertuples()\n"
         "] if motivators_explain else [])\n"
         "if not motivators_explain:\n"
         "    report.record('top_motivators_note', motivator_sentence().replace('**', ''))"),
]
for i, cell in enumerate(cells):
    cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating the notebook gives a reviewable diff
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nb.metadata["title"] = "Emotional connection and what it is worth"
nbf.write(nb, "notebooks/01_motivator_discovery.ipynb")
