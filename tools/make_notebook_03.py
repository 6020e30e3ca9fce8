"""Scaffold of notebooks/03 (kept so the notebook's structure can be regenerated and reviewed as code).

Run: .venv/bin/python tools/make_notebook_03.py
"""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# Connected customers stay longer\n\n"
       "*Notebook 03 of the cxlib workbook: how long customers stay in each segment, attrition at the horizon, the "
       "hazard of leaving, what the gap is worth in customers kept, and how recent experiences weigh on leaving.*"),
    code('engagement = "../data/demo-retailer"  # engagement folder\n'
         'seed = 0  # random seed for every resampling step\n'
         'out = "../reports/demo-retailer"  # where this engagement\'s report is published\n'
         'half_life_days = 90  # a contact this many days old counts half as much as one today',
         metadata={"tags": ["parameters"]}),
    code("import matplotlib.pyplot as plt\n"
         "import numpy as np\n"
         "import pandas as pd\n"
         "from IPython.display import Markdown, display\n\n"
         "import cxlib as cx\n"
         "from cxlib import plots, report, survival\n\n"
         "plots.set_theme()\n"
         "eng = cx.load_engagement(engagement)\n"
         "cfg = eng.config\n"
         "att = cfg['attrition']\n"
         "dur, event, horizon = att['duration'], att['event'], att['horizon']\n"
         "weight = cfg.get('weight')\n"
         "min_cell = cfg['privacy']['min_cell']\n"
         "frame = eng.frame().dropna(subset=['segment'])\n"
         "if eng.contacts is not None:\n"
         "    frame = frame.join(survival.contact_experience(eng.contacts, frame, id_column=eng.id_column,\n"
         "                                                    wave=cfg.get('wave'), half_life_days=half_life_days))\n"
         "curves = survival.km(frame, dur, event, by='segment', weights=weight)\n"
         "at_h = survival.attrition(frame, dur, event, horizon, by='segment', weights=weight)\n"
         "covariates = ['segment'] + cfg.get('covariates', []) + (['experience'] if 'experience' in frame else [])\n"
         "n_events = int(frame[event].sum())\n"
         "# Without a single churn event no hazard can be estimated: the report says so instead of failing.\n"
         "model = survival.cox(frame, dur, event, covariates, weights=weight, reference={'segment': 'highly satisfied'}) if n_events else None\n"
         "ph = model.attrs['ph_test'] if model is not None else None\n"
         "hr = model.set_index('covariate').loc['segment[fully connected]'] if model is not None else None"),
    code("a = at_h.set_index('group')\n"
         "fc, hs = a.loc['fully connected'], a.loc['highly satisfied']\n"
         "kept = (hs.attrition - fc.attrition) * 1000\n"
         "se = np.hypot((hs.ci_high - hs.ci_low) / 3.92, (fc.ci_high - fc.ci_low) / 3.92) * 1000\n"
         "display(Markdown('\\n\\n'.join([\n"
         "    f'### {eng.client}: headline findings',\n"
         "    f'Within {horizon:g} days, **{fc.attrition:.0%}** of fully connected customers left (95% CI {fc.ci_low:.0%}–{fc.ci_high:.0%}; '\n"
         "    f'n={int(fc.n):,}) against **{hs.attrition:.0%}** of highly satisfied customers ({hs.ci_low:.0%}–{hs.ci_high:.0%}; n={int(hs.n):,}).',\n"
         "    (f'At any moment a fully connected customer is **{hr.hazard_ratio:.2f}×** as likely to leave as a highly satisfied one '\n"
         "     f'(hazard ratio, 95% CI {hr.ci_low:.2f}–{hr.ci_high:.2f}; n={model.attrs[\"n\"]:,}), allowing for '\n"
         "     + ', '.join(c for c in covariates if c != 'segment') + '.') if model is not None else\n"
         "    f'**No customer left** during follow-up (n={len(frame):,}), so no hazard ratio can be estimated: there is no '\n"
         "    'leaving to compare between segments.',\n"
         "    f'If highly satisfied customers stayed like fully connected ones, about **{kept:,.0f} more of every 1,000** would still '\n"
         "    f'be customers after {horizon:g} days (95% CI {kept - 1.96 * se:,.0f}–{kept + 1.96 * se:,.0f}).',\n"
         "])))"),
    md("## How long customers stay\n\n"
       "The share of each segment still active, day by day since the survey (Kaplan–Meier), with the number of "
       "customers still observed under the chart. The dashed line is the horizon."),
    code("fig, ax = plt.subplots(figsize=(9, 6))\nplots.survival_curves(curves, min_cell=min_cell, horizon=horizon, ax=ax)\n"
         "plt.subplots_adjust(bottom=0.3)\nplt.show()"),
    code("display(report.estimate_table(at_h.rename(columns={'group': 'segment'}).assign(att=at_h['attrition']),\n"
         "        columns={'segment': 'Segment', '__estimate__:att': f'Left within {horizon:g} days (95% CI)'}, fmt='{:.1%}',\n"
         "        min_cell=min_cell))\n"
         "lr = survival.logrank(frame, dur, event, by='segment')\n"
         "pw = survival.pairwise_logrank(frame, dur, event, by='segment')\n"
         "display(Markdown(f'The curves differ (log-rank test, χ² = {lr.statistic:.1f} on {lr.df} degrees of freedom, '\n"
         "                 f'p = {lr.p_value:.2g}). Pairwise, Holm-adjusted: '\n"
         "                 + '; '.join(f'{r.a} vs {r.b}: p = {r.p_adjusted:.2g}' for r in pw.itertuples()) + '.'))"),
    md("## Days kept within the horizon\n\n"
       "*Restricted mean survival time*: the average number of days, out of the first horizon days, that a customer stays."),
    code("rm = survival.rmst(frame, dur, event, horizon, by='segment')\n"
         "display(report.estimate_table(rm.rename(columns={'group': 'segment'}), columns={'segment': 'Segment',\n"
         "        '__estimate__:rmst': f'Days active out of {horizon:g} (95% CI)'}, fmt='{:.0f}', min_cell=min_cell))\n"
         "d = survival.rmst_difference(frame, dur, event, horizon, by='segment', a='fully connected', b='highly satisfied').iloc[0]\n"
         "display(Markdown(f'Fully connected customers stay **{d.difference:.0f} days longer** on average within the first '\n"
         "                 f'{horizon:g} days (95% CI {d.ci_low:.0f}–{d.ci_high:.0f}).'))"),
    md("## What goes with leaving\n\n"
       "Hazard ratios from a Cox model: each is how much more (above 1) or less (below 1) likely a customer is to "
       "leave at any moment, compared with the reference group, with everything else in the model held equal."),
    code("if model is None:\n"
         "    display(Markdown('No hazard ratios: no customer left during follow-up.'))\n"
         "else:\n"
         "  fig, ax = plt.subplots(figsize=(8, 0.5 * len(model) + 1.5))\n"
         "  plots.forest(model.assign(covariate=model['covariate'].str.replace('[', ': ', regex=False).str.replace(']', '', regex=False)),\n"
         "               ax=ax, n=model.attrs['n'])\n  plt.show()\n"
         "  violated = ph.loc[ph['violated'], 'covariate'].tolist()\n"
         "  if not violated:\n"
         "      msg = 'The proportional-hazards check finds no covariate whose effect changes over time, so one hazard ratio per covariate describes the data.'\n"
         "  else:\n"
         "      others = [c for c in violated if not c.startswith('segment')]\n"
         "      msg = ('The effect of ' + ', '.join(violated) + ' changes over time (proportional-hazards test p < 0.05), so its single '\n"
         "             'hazard ratio is an average over follow-up.')\n"
         "      base = [c.split('[')[0] for c in others]\n"
         "      if base:\n"
         "          strat = survival.cox(frame, dur, event, [c for c in covariates if c not in base], weights=weight,\n"
         "                               reference={'segment': 'highly satisfied'}, strata=[b for b in base if b in frame and b != 'experience'] or None)\n"
         "          h2 = strat.set_index('covariate').loc['segment[fully connected]']\n"
         "          msg += (f' Stratifying the baseline hazard by {\", \".join(base)} instead gives a fully connected hazard ratio of '\n"
         "                  f'{h2.hazard_ratio:.2f} (95% CI {h2.ci_low:.2f}–{h2.ci_high:.2f}).')\n"
         "  display(Markdown(msg))"),
    md("## Recent experiences weigh more\n\n"
       "Each customer's contact-point ratings (−2 to +2) before the survey are averaged with recency weights: a "
       "contact *half-life* days old counts half as much as one today. If experiences fade, a short half-life "
       "should describe leaving better than a plain average of every rating."),
    code("if eng.contacts is None or model is None:\n"
         "    display(Markdown('This engagement has no contact-point data.' if eng.contacts is None else\n"
         "                     'No customer left during follow-up, so the weight of recent experiences cannot be estimated.'))\n"
         "else:\n"
         "    rows = []\n"
         "    base = eng.frame().dropna(subset=['segment'])\n"
         "    for hl in (30, 90, 180, 365, 100_000):\n"
         "        g = base.join(survival.contact_experience(eng.contacts, base, id_column=eng.id_column, wave=cfg.get('wave'),\n"
         "                                                  half_life_days=hl))\n"
         "        m = survival.cox(g, dur, event, ['segment', 'experience'], weights=weight)\n"
         "        e = m.set_index('covariate').loc['experience']\n"
         "        rows.append({'Half-life': 'no decay (plain average)' if hl == 100_000 else f'{hl} days',\n"
         "                     'Hazard ratio per rating point (95% CI)': report.ci_text(e.hazard_ratio, e.ci_low, e.ci_high),\n"
         "                     'Model fit (log-likelihood)': f\"{m.attrs['log_likelihood']:,.1f}\"})\n"
         "    fit = pd.DataFrame(rows)\n"
         "    display(fit.style.hide(axis='index').format(escape='html'))\n"
         "    best = fit.loc[fit['Model fit (log-likelihood)'].str.replace(',', '').astype(float).idxmax(), 'Half-life']\n"
         "    display(Markdown(f'The best-fitting half-life is **{best}**' + ('; recent experiences weigh more than old ones.'\n"
         "                     if best != 'no decay (plain average)' else '; here old experiences weigh as much as recent ones.')))"),
    md("### Contacts after the survey\n\n"
       "When the engagement says when each customer's follow-up started (`attrition.start`) and contact ratings "
       "keep arriving after it, the experience score is updated at every new contact and the model compares "
       "each customer's risk of leaving with the score *as it stood at that moment* (a time-varying covariate)."),
    code("start_col = att.get('start')\n"
         "tv = None\n"
         "if eng.contacts is None or not start_col or model is None:\n"
         "    display(Markdown('Follow-up start dates are not given (`attrition.start`), so experience enters the model '\n"
         "                     'as it stood when the survey was taken.'))\n"
         "else:\n"
         "    base = eng.frame().dropna(subset=['segment'])\n"
         "    origin = base.set_index(eng.id_column)[start_col]\n"
         "    episodes = survival.experience_episodes(eng.contacts, base.drop(columns=[start_col]), id_column=eng.id_column,\n"
         "                                            duration=dur, event=event, origin=origin, half_life_days=half_life_days)\n"
         "    n_later = int((episodes['start'] > 0).sum())\n"
         "    if n_later == 0:\n"
         "        display(Markdown('No contacts were recorded after follow-up started, so experience enters the model as it '\n"
         "                         'stood at the start.'))\n"
         "    else:\n"
         "        tv = survival.cox_time_varying(episodes, start='start', stop='stop', event=event, id_column=eng.id_column,\n"
         "                                       covariates=covariates, weights=weight, reference={'segment': 'highly satisfied'})\n"
         "        e = tv.set_index('covariate').loc['experience']\n"
         "        display(Markdown(f'{n_later:,} later contacts split follow-up into {tv.attrs[\"rows\"]:,} periods for '\n"
         "                         f'{tv.attrs[\"n\"]:,} customers. Each point of the *current* experience score multiplies the risk '\n"
         "                         f'of leaving by {report.ci_text(e.hazard_ratio, e.ci_low, e.ci_high)}.'))"),
    md("## Before and after the programme"),
    code("wave = cfg.get('wave')\n"
         "if wave and len(cfg.get('waves', [])) > 1:\n"
         "    by_wave = survival.attrition(frame.assign(_w=pd.Categorical(frame[wave], categories=cfg['waves'])), dur, event, horizon,\n"
         "                                 by='_w', weights=weight)\n"
         "    display(report.estimate_table(by_wave.rename(columns={'group': 'wave'}).assign(att=by_wave['attrition']),\n"
         "            columns={'wave': 'Wave', '__estimate__:att': f'Left within {horizon:g} days (95% CI)'}, fmt='{:.1%}', min_cell=min_cell))\n"
         "else:\n"
         "    display(Markdown('This engagement has a single wave.'))"),
    md("## Notes on method"),
    code("display(Markdown(report.methods_common(eng)))"),
    code("display(Markdown('\\n'.join([\n"
         "    f'- **Follow-up.** `{dur}` days from the survey to leaving (`{event}` = 1) or the end of observation (censored).',\n"
         "    '- **Curves and attrition.** Kaplan–Meier' + (' weighted by respondent weight' if weight else '') + '; 95% intervals (exponential Greenwood).',\n"
         "    '- **Hazard ratios.** Cox proportional hazards (Efron ties)' + (', robust standard errors with weights' if weight else '')\n"
         "    + '; the proportional-hazards assumption is checked with the scaled Schoenfeld residual test (rank time).',\n"
         "    f'- **Contact experience.** Recency-weighted mean rating with a half-life of {half_life_days} days, as of the latest contact in the customer\\'s wave.',\n"
         "    '- **Restricted mean survival time.** Area under the Kaplan–Meier curve to the horizon; its standard error from the Klein–Moeschberger variance.',\n"
         "    f'- **Suppression.** Segments with fewer than {min_cell} customers are not shown.',\n"
         "])))"),
    code("report.record('attrition', {r.group: report.estimate_dict(r.attrition, r.ci_low, r.ci_high, r.n, horizon=horizon)\n"
         "                             for r in at_h.itertuples()})\n"
         "if model is not None:\n"
         "    report.record('hazard_ratio', report.estimate_dict(hr.hazard_ratio, hr.ci_low, hr.ci_high, model.attrs['n'],\n"
         "                                                       contrast='fully connected vs highly satisfied'))\n"
         "else:\n"
         "    report.record('hazard_ratio', {'estimate': None, 'ci_low': None, 'ci_high': None, 'n': len(frame),\n"
         "                                   'note': 'not estimable: no customer left during follow-up'})"),
]
for i, cell in enumerate(cells):
    cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating the notebook gives a reviewable diff
nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
nb.metadata["title"] = "Connected customers stay longer"
nbf.write(nb, "notebooks/03_attrition_survival.ipynb")
