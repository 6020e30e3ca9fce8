"""Scaffold of notebooks/04 (kept so the notebook's structure can be regenerated and reviewed as code).

Run: .venv/bin/python tools/make_notebook_04.py
"""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# Advocacy and the programme's before/after scorecard\n\n"
       "*Notebook 04 of the cxlib workbook: who recommends the brand, which changes between the waves are real, "
       "what the change in segment mix is worth, and what customers say in their own words.*"),
    code('engagement = "../data/demo-retailer"  # engagement folder\n'
         'seed = 0  # random seed for every resampling step\n'
         'out = "../reports/demo-retailer"  # where this engagement\'s report is published\n'
         'n_boot = 1000  # bootstrap resamples for the value of the mix change\n'
         'quotes_per_segment = 3  # verbatims shown per segment',
         metadata={"tags": ["parameters"]}),
    code("import html\n\n"
         "import matplotlib.pyplot as plt\n"
         "import numpy as np\n"
         "import pandas as pd\n"
         "from IPython.display import HTML, Markdown, display\n\n"
         "import cxlib as cx\n"
         "from cxlib import advocacy, plots, privacy, report\n\n"
         "plots.set_theme()\n"
         "eng = cx.load_engagement(engagement)\n"
         "cfg = eng.config\n"
         "weight = cfg.get('weight')\n"
         "min_cell = cfg['privacy']['min_cell']\n"
         "adv_col = cfg['advocacy']['column']\n"
         "frame = eng.frame()\n"
         "seg_frame = frame.dropna(subset=['segment'])\n"
         "overall = advocacy.nps(frame[adv_col], weights=frame[weight] if weight else None)\n"
         "by_segment = advocacy.nps_by_segment(seg_frame, adv_col, weight=weight)\n"
         "waves = cfg.get('waves', [])\n"
         "has_waves = bool(cfg.get('wave')) and len(waves) > 1\n"
         "if has_waves:\n"
         "    card = advocacy.compare_waves(eng, frame=frame)\n"
         "    card_std = advocacy.compare_waves(eng, frame=frame, standardise=True)\n"
         "    before, after = card.attrs['waves']\n"
         "    att = cfg.get('attrition')\n"
         "    impact = (advocacy.mix_impact(seg_frame, wave=cfg['wave'], waves=[before, after], value=cfg['value'][0],\n"
         "                                  duration=att['duration'], event=att['event'], horizon=att['horizon'],\n"
         "                                  customers=len(eng.customers), weight=weight, n_boot=n_boot, seed=seed)\n"
         "              if att else None)\n"
         "verbatim_cols = eng.codebook.loc[eng.codebook['role'] == 'verbatim', 'column'].tolist()"),
    code("seg = by_segment.set_index('segment')\n"
         "fc, hs = seg.loc['fully connected'], seg.loc['highly satisfied']\n"
         "lines = [f'### {eng.client}: headline findings',\n"
         "         f'Net Promoter Score is **{overall.nps:+.0f}** (95% CI {overall.ci_low:+.0f} to {overall.ci_high:+.0f}; n={overall.n:,}): '\n"
         "         f'{overall.promoters:.0%} of customers are promoters and {overall.detractors:.0%} detractors.']\n"
         "if fc.n >= min_cell and hs.n >= min_cell:\n"
         "    lines.append(f'Fully connected customers recommend the brand far more: NPS **{fc.nps:+.0f}** ({fc.ci_low:+.0f} to {fc.ci_high:+.0f}; '\n"
         "                 f'n={int(fc.n):,}) against **{hs.nps:+.0f}** for highly satisfied customers ({hs.ci_low:+.0f} to {hs.ci_high:+.0f}; n={int(hs.n):,}).')\n"
         "if has_waves:\n"
         "    sig = card[card['p_adjusted'] < 0.05]\n"
         "    def change_text(r):\n"
         "        k, unit, pct = (1, ' points', '') if r.metric == 'nps' else ((1, '', '') if r.metric == 'value' else (100, ' pts', '%'))\n"
         "        return (f'{plots.METRIC_LABELS[r.metric].split(\" (\")[0].lower()} {r.before * k:,.1f}{pct} → {r.after * k:,.1f}{pct} '\n"
         "                f'({r.change * k:+,.1f}{unit}, 95% CI {r.ci_low * k:+,.1f} to {r.ci_high * k:+,.1f})')\n"
         "    if len(sig):\n"
         "        lines.append(f'Between {before} and {after}, these changes are real (significant after Holm adjustment): '\n"
         "                     + '; '.join(change_text(r) for r in sig.itertuples()) + '.')\n"
         "    rest = card[card['p_adjusted'] >= 0.05]\n"
         "    if len(rest):\n"
         "        lines.append('Not significant once the several measures compared at once are allowed for (Holm adjustment; the '\n"
         "                     '95% intervals shown are unadjusted, so one may exclude zero): '\n"
         "                     + '; '.join(change_text(r) for r in rest.itertuples()) + '.')\n"
         "    if impact is not None:\n"
         "        a = impact.set_index('quantity').loc['active_customers']\n"
         "        lines.append(f'The shift in segment mix alone implies about **{a.estimate:+,.0f} customers** still active after '\n"
         "                     f'{cfg[\"attrition\"][\"horizon\"]:g} days across the {len(eng.customers):,} customers (95% CI {a.ci_low:+,.0f} to {a.ci_high:+,.0f}).')\n"
         "display(Markdown('\\n\\n'.join(lines)))"),
    md("## Who recommends the brand\n\n"
       "Customers were asked how likely they are to recommend the brand, from 0 to 10. *Promoters* answer 9 or "
       "10, *detractors* 0 to 6; the **Net Promoter Score (NPS)** is the percentage of promoters minus the "
       "percentage of detractors, from −100 to +100."),
    code("fig, ax = plt.subplots(figsize=(9, 3.6))\nplots.nps_by_segment(by_segment, min_cell=min_cell, ax=ax)\nplt.show()"),
    code("t = by_segment.assign(promoter_share=by_segment['promoters'])\n"
         "display(report.estimate_table(t, columns={'segment': 'Segment', '__estimate__:nps': 'NPS (95% CI)'}, fmt='{:+.0f}',\n"
         "                              min_cell=min_cell))\n"
         "shares = pd.DataFrame({'Segment': [report.pretty(s) for s in by_segment['segment']],\n"
         "                       'Promoters': [f'{p:.0%}' if n >= min_cell else 'suppressed' for p, n in zip(by_segment['promoters'], by_segment['n'])],\n"
         "                       'Passives': [f'{p:.0%}' if n >= min_cell else 'suppressed' for p, n in zip(by_segment['passives'], by_segment['n'])],\n"
         "                       'Detractors': [f'{p:.0%}' if n >= min_cell else 'suppressed' for p, n in zip(by_segment['detractors'], by_segment['n'])],\n"
         "                       'n': [f'{int(n):,}' for n in by_segment['n']]})\n"
         "display(shares.style.hide(axis='index').format(escape='html'))"),
    md("## Before and after the programme\n\n"
       "Each measure in the first and the last wave, the change, and its 95% confidence interval. Several measures are "
       "compared at once, so the p-values are adjusted with **Holm's method** (which keeps the chance of any false "
       "alarm among them at 5%). *Cohen's h* sizes a change in a share: about 0.2 is small, 0.5 medium."),
    code("if not has_waves:\n"
         "    display(Markdown('This engagement has a single wave, so there is no before/after comparison.'))\n"
         "else:\n"
         "    fig, ax = plt.subplots(figsize=(9, 4.2))\n"
         "    plots.wave_scorecard(card, ax=ax)\n"
         "    plt.show()\n"
         "    def fmt(r, v):\n"
         "        return f'{v:+.1f}' if r.metric == 'nps' else (f'{v:,.1f}' if r.metric == 'value' else f'{v:.1%}')\n"
         "    def fmt_change(r, v):\n"
         "        return f'{v:+.1f}' if r.metric == 'nps' else (f'{v:+,.1f}' if r.metric == 'value' else f'{v * 100:+.1f} pts')\n"
         "    rows = [{'Measure': plots.METRIC_LABELS[r.metric].split(' (')[0], f'{before}': fmt(r, r.before), f'{after}': fmt(r, r.after),\n"
         "             'Change (95% CI)': f'{fmt_change(r, r.change)} ({fmt_change(r, r.ci_low)} to {fmt_change(r, r.ci_high)})',\n"
         "             'p (Holm)': f'{r.p_adjusted:.3f}', \"Cohen's h\": '' if pd.isna(r.cohens_h) else f'{r.cohens_h:+.2f}',\n"
         "             'n': f'{int(r.n_before):,} / {int(r.n_after):,}'} for r in card.itertuples()]\n"
         "    display(pd.DataFrame(rows).style.hide(axis='index').format(escape='html'))\n"
         "    std = card_std.set_index('metric')\n"
         "    notes = []\n"
         "    for m in ('advocacy', 'nps', 'attrition'):\n"
         "        if m in std.index:\n"
         "            r = std.loc[m]\n"
         "            k, unit = (1, ' points') if m == 'nps' else (100, ' pts')\n"
         "            notes.append(f'{plots.METRIC_LABELS[m].split(\" (\")[0]}: {r.change * k:+.1f}{unit} (95% CI {r.ci_low * k:+.1f} to {r.ci_high * k:+.1f})')\n"
         "    display(Markdown('**Within segments.** The waves differ in segment mix. Holding the mix fixed at that of both waves '\n"
         "                     'together, the changes are: ' + '; '.join(notes) + '. What remains is change within segments; the '\n"
         "                     'rest came from customers moving between segments.'))"),
    md("## What the change in segment mix is worth\n\n"
       "If each segment kept behaving as it did in the first wave, the change in how many customers are in each "
       "segment implies a change in value and in customers still active at the horizon."),
    code("if not has_waves or impact is None:\n"
         "    display(Markdown('Not available: it needs two waves and attrition data.'))\n"
         "else:\n"
         "    names = {'value_per_customer': f'{report.pretty(cfg[\"value\"][0])} per customer',\n"
         "             'value_total': f'{report.pretty(cfg[\"value\"][0])}, all {len(eng.customers):,} customers',\n"
         "             'active_customers': f'Customers still active after {cfg[\"attrition\"][\"horizon\"]:g} days'}\n"
         "    rows = [{'Implied by the mix change': names[r.quantity], 'Estimate (95% CI)': f'{r.estimate:+,.0f} ({r.ci_low:+,.0f} to {r.ci_high:+,.0f})'}\n"
         "            for r in impact.itertuples()]\n"
         "    display(pd.DataFrame(rows).style.hide(axis='index').format(escape='html'))"),
    md("## In customers' own words\n\n"
       "A few comments per segment, picked at random (the same ones every run). E-mail addresses, phone numbers, web "
       "links and long numbers are removed before anything is shown."),
    code("if not verbatim_cols:\n"
         "    display(Markdown('This survey has no free-text question.'))\n"
         "else:\n"
         "    col = verbatim_cols[0]\n"
         "    quotes = advocacy.verbatims(seg_frame, text=col, per_group=quotes_per_segment, seed=seed, min_cell=min_cell)\n"
         "    parts = []\n"
         "    for g, sub in quotes.groupby('group', sort=False):\n"
         "        head = f'<h4>{privacy.escape(report.pretty(str(g)))} ({int(sub.n_comments.iloc[0]):,} comments)</h4>'\n"
         "        if sub['suppressed'].iloc[0]:\n"
         "            body = f'<p>Fewer than {min_cell} comments: none shown.</p>'\n"
         "        else:\n"
         "            body = ''.join(f'<blockquote>“{privacy.escape(q)}”</blockquote>' for q in sub['quote'])\n"
         "        parts.append(head + body)\n"
         "    display(HTML(''.join(parts)))\n"
         "    words = advocacy.word_frequency(seg_frame, text=col, top=8, min_cell=min_cell)\n"
         "    if len(words):\n"
         "        display(Markdown('**Words and phrases used most**, by the share of each segment\\'s comments that use them:'))\n"
         "        table = words.assign(Segment=[report.pretty(str(g)) for g in words['group']],\n"
         "                             Term=words['term'], Comments=[f'{c:,} of {n:,} ({c / n:.0%})' for c, n in zip(words['comments'], words['n_comments'])])\n"
         "        display(table[['Segment', 'Term', 'Comments']].style.hide(axis='index').format(escape='html'))"),
    md("## Notes on method"),
    code("display(Markdown(report.methods_common(eng)))"),
    code("display(Markdown('\\n'.join([\n"
         "    '- **NPS interval.** Promoter and detractor shares come from one sample, so Var(P − D) = (P + D − (P − D)²) / n; '\n"
         "    '95% normal interval' + (', with n the effective sample size of the respondent weights (Kish)' if weight else '') + '.',\n"
         "    '- **Changes in shares.** Newcombe\\'s hybrid score interval and the two-proportion z-test; attrition by Kaplan–Meier '\n"
         "    'at the horizon with Greenwood standard errors; NPS change from the two analytic variances; value by Welch\\'s t.',\n"
         "    '- **Multiple comparisons.** Holm-adjusted p-values over the measures compared.',\n"
         "    '- **Within segments.** Direct standardisation to the pooled segment mix of both waves.',\n"
         "    f'- **Value of the mix change.** First-wave value and retention per segment times the change in segment shares; '\n"
         "    f'percentile bootstrap with {n_boot:,} resamples within waves, seed {seed}.',\n"
         "    f'- **Suppression and privacy.** Groups with fewer than {min_cell} answers are not shown; comments are scrubbed of '\n"
         "    'contact details and shown as text, never as markup.',\n"
         "])))"),
    code("report.record('nps', {'overall': report.estimate_dict(overall.nps, overall.ci_low, overall.ci_high, overall.n),\n"
         "                      **{r.segment: report.estimate_dict(r.nps, r.ci_low, r.ci_high, int(r.n))\n"
         "                         for r in by_segment.itertuples() if r.n >= min_cell}})\n"
         "if has_waves:\n"
         "    report.record('waves', {'before': before, 'after': after,\n"
         "                            **{r.metric: {'before': r.before, 'after': r.after,\n"
         "                                          **report.estimate_dict(r.change, r.ci_low, r.ci_high, int(r.n_before + r.n_after),\n"
         "                                                                 p_adjusted=r.p_adjusted, n_before=int(r.n_before),\n"
         "                                                                 n_after=int(r.n_after))}\n"
         "                               for r in card.itertuples()}})"),
]
for i, cell in enumerate(cells):
    cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating the notebook gives a reviewable diff
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nb.metadata["title"] = "Advocacy and the programme's before/after scorecard"
nbf.write(nb, "notebooks/04_advocacy_programme.ipynb")
