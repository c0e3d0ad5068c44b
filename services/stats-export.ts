import type { StatsFigures, StatsReport } from './stats';
import { alertTypeLabel } from './alert-labels';

type Column = { header: string; key: string; width: number };
type Section = { sheet: string; columns: [keyof StatsFigures, string, number?][] };

/** The sections of a station's monthly report, one sheet each, as the county's spreadsheets lay them out. */
const SECTIONS: Section[] = [
  {
    sheet: '服务概况', columns: [
      ['peopleServed', '服务人数（人）'], ['personTimes', '服务人次'], ['caseWork', '个案（人次）'], ['caseRecords', '个案记录（条）'],
      ['groupSessions', '小组（场次）'], ['groupPersonTimes', '小组参与（人次）'], ['communityActivities', '社区活动（场次）'],
      ['communityPersonTimes', '社区活动参与（人次）'], ['homeVisits', '入户走访（次）'], ['homeVisitResidents', '走访对象（人）'],
    ],
  },
  { sheet: '需求清单', columns: [['needsFound', '发现需求（条）'], ['needsMet', '解决需求（条）']] },
  {
    sheet: '预约与活动', columns: [
      ['bookings', '预约（次）'], ['attended', '到场（次）'], ['noShows', '爽约（次）'], ['signups', '活动报名（人次）'], ['signupsAttended', '活动到场（人次）'],
    ],
  },
  {
    sheet: '报平安与告警', columns: [
      ['checkinDays', '应报平安（人天）'], ['checkinConfirmed', '已报平安（人天）'], ['checkinRate', '报平安率'],
      ['alertsRaised', '告警（条）'], ['alertsResolved', '已处理告警（条）'], ['medianResolveMinutes', '处理用时中位数（分钟）', 22],
    ],
  },
  { sheet: '资源链接', columns: [['resourcesYuan', '链接资源（元）'], ['resourceRecords', '链接资源记录（条）']] },
  { sheet: '满意度', columns: [['satisfactionAsked', '已询问（人次）'], ['satisfactionRatings', '已评分（人次）'], ['satisfactionAverage', '平均分（1–5）']] },
];

function percent(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

function cell(key: keyof StatsFigures, f: StatsFigures): string | number {
  const v = f[key];
  if (key === 'checkinRate') return percent(v);
  return v === null ? '—' : v;
}

/**
 * The statistics as a workbook laid out like a station's monthly report: a cover sheet (scope,
 * range, counting rules), one sheet per section with one row per station (and a county total),
 * then the splits by resident category, community and month, and the resources by giver.
 */
export async function statsWorkbook(report: StatsReport, generatedAt: string): Promise<Buffer> {
  // Loaded on first use: exceljs weighs ~25 MB, which a bot or jobs process never needs.
  const { Workbook } = (await import('exceljs')).default;
  const wb = new Workbook();
  const county = report.stationId === null;
  const scope = county ? `${report.county}（全县 ${report.stations.length} 个站点）` : (report.stations[0]?.name ?? '');
  const cover = wb.addWorksheet('说明');
  cover.columns = [{ header: '项目', key: 'k', width: 16 }, { header: '内容', key: 'v', width: 90 }];
  for (const [k, v] of [
    ['统计范围', scope], ['统计期间', `${report.from} 至 ${report.to}`], ['生成时间', generatedAt],
    ['个案', '按人次：每条个案记录的每位居民记 1 人次'], ['小组、社区活动', '按场次：每条记录记 1 场次；参与人数另计人次'],
    ['入户走访', '按次：每条走访记录记 1 次；走访对象按人去重'], ['服务人数', '统计期间出现在任一服务记录中的居民，按人去重'],
    ['服务人次', '所有服务记录的居民人数之和'], ['链接资源', '服务记录所填金额（元）之和'],
    ['报平安率', '已报平安的人天 ÷ 应报平安的人天（暂停的不计，当天尚未截止的不计）'],
    ['告警处理用时', '统计期间处理完毕的告警，从产生到处理的分钟数的中位数'],
  ]) cover.addRow({ k, v });
  cover.getRow(1).font = { bold: true };

  const stationCols: Column[] = [{ header: '站点', key: 'station', width: 22 }, { header: '乡镇（街道）', key: 'township', width: 14 }];
  for (const section of SECTIONS) {
    const sheet = wb.addWorksheet(section.sheet);
    sheet.columns = [...stationCols, ...section.columns.map(([key, header, width]) => ({ header, key, width: width ?? 16 }))];
    for (const s of report.stations) {
      sheet.addRow({ station: s.name, township: s.township, ...Object.fromEntries(section.columns.map(([key]) => [key, cell(key, s)])) });
    }
    if (county) sheet.addRow({ station: '合计', township: '', ...Object.fromEntries(section.columns.map(([key]) => [key, cell(key, report)])) });
    sheet.getRow(1).font = { bold: true };
  }

  const byCategory = wb.addWorksheet('按对象类别');
  byCategory.columns = [{ header: '对象类别', key: 'label', width: 14 }, { header: '服务人数（人）', key: 'peopleServed', width: 16 }, { header: '服务人次', key: 'personTimes', width: 12 }];
  for (const c of report.byCategory) byCategory.addRow(c);
  byCategory.getRow(1).font = { bold: true };

  const stationName = new Map(report.stations.map((s) => [s.stationId, s.name]));
  const byCommunity = wb.addWorksheet('按村（社区）');
  byCommunity.columns = [
    { header: '站点', key: 'station', width: 22 }, { header: '村（社区）', key: 'name', width: 16 }, { header: '服务人数（人）', key: 'peopleServed', width: 16 },
    { header: '服务人次', key: 'personTimes', width: 12 }, { header: '个案（人次）', key: 'caseWork', width: 14 }, { header: '入户走访（次）', key: 'homeVisits', width: 16 },
  ];
  for (const c of report.byCommunity) byCommunity.addRow({ ...c, station: stationName.get(c.stationId) ?? '' });
  byCommunity.getRow(1).font = { bold: true };

  const monthly = wb.addWorksheet('月度');
  monthly.columns = [
    { header: '月份', key: 'month', width: 10 }, { header: '服务人数（人）', key: 'peopleServed', width: 16 }, { header: '服务人次', key: 'personTimes', width: 12 },
    { header: '个案（人次）', key: 'caseWork', width: 14 }, { header: '小组（场次）', key: 'groupSessions', width: 14 },
    { header: '社区活动（场次）', key: 'communityActivities', width: 18 }, { header: '入户走访（次）', key: 'homeVisits', width: 16 },
    { header: '链接资源（元）', key: 'resourcesYuan', width: 16 },
  ];
  for (const m of report.monthly) monthly.addRow(m);
  monthly.getRow(1).font = { bold: true };

  const givers = wb.addWorksheet('资源捐赠方');
  givers.columns = [{ header: '捐赠方', key: 'giver', width: 30 }, { header: '金额（元）', key: 'resourcesYuan', width: 14 }, { header: '记录（条）', key: 'records', width: 12 }];
  for (const g of report.resourcesByGiver) givers.addRow(g);
  givers.getRow(1).font = { bold: true };

  const alerts = wb.addWorksheet('告警类型');
  alerts.columns = [{ header: '告警类型', key: 'label', width: 20 }, { header: '告警（条）', key: 'raised', width: 12 }];
  for (const a of report.alertsByType) alerts.addRow({ label: alertTypeLabel(a.type), raised: a.raised });
  alerts.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
