import { describe, expect, it } from 'vitest';
import { checkReportData } from '../../src/report/report-schema.js';
import { reportJson } from '../../src/report/write-report.js';
import { reportDataOf } from './fixture.js';

const data = await reportDataOf([20, 80]);
const roundTrip = () => JSON.parse(reportJson(data));

describe('checkReportData', () => {
  it('accepts the data of a real run after a JSON round trip', () => {
    const { problems } = checkReportData(roundTrip());
    expect(problems).toBeNull();
  });

  it('names a missing property with its JSON pointer', () => {
    const json = roundTrip();
    delete json.runs[0].label;
    expect(checkReportData(json).problems).toContain("/runs/0: must have required property 'label'");
  });

  it('rejects a property the schema does not know', () => {
    const json = roundTrip();
    json.comparisons[0].verdict.confidence = 0.9;
    expect(checkReportData(json).problems).toContain('/comparisons/0/verdict: must NOT have additional properties');
  });

  it('rejects an unknown decision', () => {
    const json = roundTrip();
    json.comparisons[0].verdict.decision = 'ship it';
    expect(checkReportData(json).problems).toContain('/comparisons/0/verdict/decision: must be equal to one of the allowed values');
  });

  it('rejects another schema version', () => {
    const json = roundTrip();
    json.schemaVersion = 2;
    expect(checkReportData(json).problems).toContain('/schemaVersion: must be equal to constant');
  });

  it('accepts counters the engine adds later', () => {
    const json = roundTrip();
    json.runs[0].counters.latencyP99 = 12;
    expect(checkReportData(json).problems).toBeNull();
  });

  it('rejects a non-numeric counter', () => {
    const json = roundTrip();
    json.runs[0].counters.hits = '10';
    expect(checkReportData(json).problems).toContain('/runs/0/counters/hits: must be number');
  });
});
