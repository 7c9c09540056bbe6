import type { RuleDraft, RuleTestResult } from '../../src/contract/ipc';
import type { Rule } from '../../src/contract/types';
import { api } from '../api';
import type { Slice } from './types';

export interface RuleEditing {
  /** null while creating a rule. */
  id: number | null;
  draft: RuleDraft;
}

export interface RulesSlice {
  rules: Rule[];
  editing: RuleEditing | null;
  ruleTest: RuleTestResult | null;
  loadRules(): Promise<void>;
  editRule(editing: RuleEditing | null): void;
  saveRule(editing: RuleEditing): Promise<boolean>;
  setRuleEnabled(id: number, enabled: boolean): Promise<void>;
  removeRule(id: number): Promise<void>;
  testRule(draft: RuleDraft): Promise<void>;
}

export const rulesSlice: Slice<RulesSlice> = (set, get) => ({
  rules: [],
  editing: null,
  ruleTest: null,
  loadRules: async () => {
    try {
      set({ rules: await api.listRules() });
    } catch (e) {
      get().fail(e);
    }
  },
  editRule: (editing) => set({ editing, ruleTest: null }),
  saveRule: async ({ id, draft }) => {
    try {
      if (id === null) await api.addRule(draft);
      else await api.updateRule({ id, patch: draft });
      set({ editing: null, ruleTest: null });
      await get().loadRules();
      return true;
    } catch (e) {
      get().fail(e);
      return false;
    }
  },
  setRuleEnabled: async (id, enabled) => {
    try {
      await api.updateRule({ id, patch: { enabled } });
      await get().loadRules();
    } catch (e) {
      get().fail(e);
    }
  },
  removeRule: async (id) => {
    try {
      await api.removeRule({ id });
      await get().loadRules();
    } catch (e) {
      get().fail(e);
    }
  },
  testRule: async (draft) => {
    try {
      set({ ruleTest: await api.testRule({ rule: draft, limit: 200 }) });
    } catch (e) {
      get().fail(e);
    }
  },
});
