import { length } from '../../app/domain/feedback-request.js';

/**
 * Block Kit as Slack checks it: every limit of the reference, answered with Slack's own
 * message format (`[ERROR] <what> [json-pointer:<where>]`), so that a view or message the
 * app builds is refused here exactly where Slack would refuse it.
 */

export type Surface = 'modal' | 'home' | 'message';

export const LIMITS = {
  viewTitle: 24,
  viewButton: 24,
  viewBlocks: 100,
  messageBlocks: 50,
  privateMetadata: 3000,
  identifier: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  contextElements: 10,
  contextText: 3000,
  headerText: 150,
  inputLabel: 2000,
  inputHint: 2000,
  inputLength: 3000,
  placeholder: 150,
  selectOptions: 100,
  optionGroups: 100,
  optionGroupLabel: 75,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  choiceOptions: 10,
  buttonText: 75,
  buttonValue: 2000,
  buttonLabel: 75,
  url: 3000,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  altText: 2000,
  imageTitle: 2000,
  chartTitle: 50,
  chartsPerMessage: 2,
  chartSeries: 6,
  chartSegments: 6,
  chartCategories: 20,
  chartCategory: 20,
  chartSeriesName: 20,
  chartAxisLabel: 50,
  tableRows: 101,
  tableColumns: 20,
  tablePageSize: 100,
  /** Characters across every cell of a table, and of all the tables of one message. */
  tableCharacters: 10_000,
} as const;

/** Blocks Slack documents for messages alone; a view that holds one is refused. */
const MESSAGE_ONLY_BLOCKS: readonly string[] = ['data_visualization', 'data_table'];

const TRIGGERS = ['on_enter_pressed', 'on_character_entered'];
const STYLES = ['primary', 'danger'];

type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Report {
  readonly messages: string[] = [];

  error(pointer: string, message: string): void {
    this.messages.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  object(value: unknown, pointer: string): value is Fields {
    if (isFields(value)) return true;
    this.error(pointer, 'must provide an object');
    return false;
  }

  only(fields: Fields, pointer: string, allowed: readonly string[]): void {
    for (const key of Object.keys(fields)) {
      if (!allowed.includes(key)) this.error(pointer, `invalid additional property: ${key}`);
    }
  }

  string(
    fields: Fields,
    key: string,
    pointer: string,
    rule: { max?: number; required?: boolean; nonEmpty?: boolean } = {},
  ): string | undefined {
    const value = fields[key];
    if (value === undefined) {
      if (rule.required) this.error(pointer, `missing required field: ${key}`);
      return undefined;
    }
    const at = `${pointer}/${key}`;
    if (typeof value !== 'string') {
      this.error(at, 'must provide a string');
      return undefined;
    }
    if (rule.nonEmpty && value.length === 0) this.error(at, 'must be more than 0 characters');
    if (rule.max !== undefined && length(value) > rule.max) {
      this.error(at, `must be less than ${rule.max + 1} characters`);
    }
    return value;
  }

  identifier(fields: Fields, key: string, pointer: string): string | undefined {
    return this.string(fields, key, pointer, { max: LIMITS.identifier, nonEmpty: true });
  }

  boolean(fields: Fields, key: string, pointer: string): void {
    const value = fields[key];
    if (value !== undefined && typeof value !== 'boolean') this.error(`${pointer}/${key}`, 'must provide a boolean');
  }

  integer(fields: Fields, key: string, pointer: string, min: number, max: number): number | undefined {
    const value = fields[key];
    if (value === undefined) return undefined;
    const at = `${pointer}/${key}`;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.error(at, 'must provide an integer');
      return undefined;
    }
    if (value < min) this.error(at, `must be greater than ${min - 1}`);
    if (value > max) this.error(at, `must be less than ${max + 1}`);
    return value;
  }

  array(
    fields: Fields,
    key: string,
    pointer: string,
    rule: { min: number; max: number; required?: boolean },
  ): unknown[] | undefined {
    const value = fields[key];
    if (value === undefined) {
      if (rule.required) this.error(pointer, `missing required field: ${key}`);
      return undefined;
    }
    const at = `${pointer}/${key}`;
    if (!Array.isArray(value)) {
      this.error(at, 'must provide an array');
      return undefined;
    }
    if (value.length > rule.max) this.error(at, `no more than ${rule.max} items allowed`);
    if (value.length < rule.min) this.error(at, `must provide at least ${rule.min} item${rule.min === 1 ? '' : 's'}`);
    return value;
  }

  oneOf(fields: Fields, key: string, pointer: string, allowed: readonly string[]): void {
    const value = fields[key];
    if (value !== undefined && !allowed.includes(value as string)) {
      this.error(`${pointer}/${key}`, 'must be a valid enum value');
    }
  }

  /** A composition text object; `plainOnly` where Slack accepts plain_text and nothing else. */
  text(value: unknown, pointer: string, rule: { max: number; plainOnly?: boolean }): void {
    if (!this.object(value, pointer)) return;
    const type = value.type;
    if (type === undefined) this.error(pointer, 'missing required field: type');
    else if (!(type === 'plain_text' || (type === 'mrkdwn' && !rule.plainOnly))) {
      this.error(`${pointer}/type`, 'must be a valid enum value');
    }
    const allowed =
      type === 'plain_text'
        ? ['type', 'text', 'emoji']
        : type === 'mrkdwn'
          ? ['type', 'text', 'verbatim']
          : ['type', 'text', 'emoji', 'verbatim'];
    this.only(value, pointer, allowed);
    this.string(value, 'text', pointer, { required: true, nonEmpty: true, max: rule.max });
    this.boolean(value, 'emoji', pointer);
    this.boolean(value, 'verbatim', pointer);
  }

  textField(fields: Fields, key: string, pointer: string, rule: { max: number; plainOnly?: boolean; required?: boolean }): void {
    if (fields[key] === undefined) {
      if (rule.required) this.error(pointer, `missing required field: ${key}`);
      return;
    }
    this.text(fields[key], `${pointer}/${key}`, rule);
  }
}

type Container = 'section' | 'actions' | 'input' | 'context';

const ELEMENTS_IN: Record<Container, readonly string[]> = {
  section: ['button', 'static_select', 'multi_users_select', 'checkboxes', 'radio_buttons', 'image'],
  actions: ['button', 'static_select', 'multi_users_select', 'checkboxes', 'radio_buttons'],
  input: ['plain_text_input', 'static_select', 'multi_users_select', 'multi_conversations_select', 'checkboxes', 'radio_buttons'],
  context: ['image'],
};

/** Elements that carry an action_id (Slack makes one up where the app gave none). */
export const INTERACTIVE_ELEMENTS: readonly string[] = [
  'button',
  'static_select',
  'multi_users_select',
  'multi_conversations_select',
  'checkboxes',
  'radio_buttons',
  'plain_text_input',
];

/** What makes two options "the same" to Slack: what the user sees and what the app gets. */
function optionKey(option: unknown): string | undefined {
  if (!isFields(option) || !isFields(option.text)) return undefined;
  const description = isFields(option.description) ? option.description.text : undefined;
  return JSON.stringify([option.text.type, option.text.text, option.value, description]);
}

function option(r: Report, value: unknown, pointer: string, plainOnly: boolean): void {
  if (!r.object(value, pointer)) return;
  r.only(value, pointer, ['text', 'value', 'description']);
  r.textField(value, 'text', pointer, { max: LIMITS.optionText, plainOnly, required: true });
  r.string(value, 'value', pointer, { required: true, max: LIMITS.optionValue });
  r.textField(value, 'description', pointer, { max: LIMITS.optionDescription, plainOnly });
}

function options(
  r: Report,
  fields: Fields,
  key: string,
  pointer: string,
  rule: { min: number; max: number; required?: boolean; plainOnly: boolean },
): unknown[] {
  const list = r.array(fields, key, pointer, rule) ?? [];
  for (const [i, item] of list.entries()) option(r, item, `${pointer}/${key}/${i}`, rule.plainOnly);
  return list;
}

function chosen(r: Report, value: unknown, pointer: string, among: unknown[], plainOnly: boolean): void {
  option(r, value, pointer, plainOnly);
  const key = optionKey(value);
  if (key !== undefined && !among.some((o) => optionKey(o) === key)) {
    r.error(pointer, 'must exactly match one of the options');
  }
}

function confirm(r: Report, fields: Fields, pointer: string): void {
  if (fields.confirm === undefined) return;
  const at = `${pointer}/confirm`;
  const value = fields.confirm;
  if (!r.object(value, at)) return;
  r.only(value, at, ['title', 'text', 'confirm', 'deny', 'style']);
  r.textField(value, 'title', at, { max: LIMITS.confirmTitle, plainOnly: true, required: true });
  r.textField(value, 'text', at, { max: LIMITS.confirmText, required: true });
  r.textField(value, 'confirm', at, { max: LIMITS.confirmButton, plainOnly: true, required: true });
  r.textField(value, 'deny', at, { max: LIMITS.confirmButton, plainOnly: true, required: true });
  r.oneOf(value, 'style', at, STYLES);
}

const ELEMENT_CHECKS: Record<string, (r: Report, e: Fields, pointer: string) => void> = {
  button(r, e, p) {
    r.only(e, p, ['type', 'text', 'action_id', 'url', 'value', 'style', 'confirm', 'accessibility_label']);
    r.textField(e, 'text', p, { max: LIMITS.buttonText, plainOnly: true, required: true });
    r.string(e, 'url', p, { max: LIMITS.url, nonEmpty: true });
    r.string(e, 'value', p, { max: LIMITS.buttonValue });
    r.oneOf(e, 'style', p, STYLES);
    r.string(e, 'accessibility_label', p, { max: LIMITS.buttonLabel, nonEmpty: true });
    confirm(r, e, p);
  },

  static_select(r, e, p) {
    r.only(e, p, ['type', 'action_id', 'options', 'option_groups', 'initial_option', 'confirm', 'focus_on_load', 'placeholder']);
    let all: unknown[] = [];
    if (e.options !== undefined && e.option_groups !== undefined) {
      r.error(p, 'must provide either `options` or `option_groups`, not both');
    }
    if (e.option_groups !== undefined) {
      const groups = r.array(e, 'option_groups', p, { min: 1, max: LIMITS.optionGroups }) ?? [];
      groups.forEach((group, i) => {
        const at = `${p}/option_groups/${i}`;
        if (!r.object(group, at)) return;
        r.only(group, at, ['label', 'options']);
        r.textField(group, 'label', at, { max: LIMITS.optionGroupLabel, plainOnly: true, required: true });
        all = all.concat(
          options(r, group, 'options', at, { min: 1, max: LIMITS.selectOptions, required: true, plainOnly: true }),
        );
      });
    } else {
      all = options(r, e, 'options', p, { min: 1, max: LIMITS.selectOptions, required: true, plainOnly: true });
    }
    if (e.initial_option !== undefined) chosen(r, e.initial_option, `${p}/initial_option`, all, true);
    r.textField(e, 'placeholder', p, { max: LIMITS.placeholder, plainOnly: true });
    r.boolean(e, 'focus_on_load', p);
    confirm(r, e, p);
  },

  multi_users_select(r, e, p) {
    r.only(e, p, ['type', 'action_id', 'initial_users', 'max_selected_items', 'confirm', 'focus_on_load', 'placeholder']);
    const users = r.array(e, 'initial_users', p, { min: 0, max: LIMITS.selectOptions }) ?? [];
    users.forEach((user, i) => {
      if (typeof user !== 'string' || !/^[UW][A-Z0-9]+$/.test(user)) r.error(`${p}/initial_users/${i}`, 'must be a user id');
    });
    r.integer(e, 'max_selected_items', p, 1, LIMITS.selectOptions);
    r.textField(e, 'placeholder', p, { max: LIMITS.placeholder, plainOnly: true });
    r.boolean(e, 'focus_on_load', p);
    confirm(r, e, p);
  },

  multi_conversations_select(r, e, p) {
    r.only(e, p, [
      'type',
      'action_id',
      'initial_conversations',
      'default_to_current_conversation',
      'filter',
      'max_selected_items',
      'confirm',
      'focus_on_load',
      'placeholder',
    ]);
    const chosen = r.array(e, 'initial_conversations', p, { min: 0, max: LIMITS.selectOptions }) ?? [];
    chosen.forEach((id, i) => {
      if (typeof id !== 'string' || !/^[CGD][A-Z0-9]+$/.test(id))
        r.error(`${p}/initial_conversations/${i}`, 'must be a conversation id');
    });
    r.boolean(e, 'default_to_current_conversation', p);
    if (e.filter !== undefined && r.object(e.filter, `${p}/filter`)) {
      const at = `${p}/filter`;
      const filter = e.filter;
      r.only(filter, at, ['include', 'exclude_external_shared_channels', 'exclude_bot_users']);
      if (Object.keys(filter).length === 0) r.error(at, 'must provide at least one field');
      const include = r.array(filter, 'include', at, { min: 1, max: 4 }) ?? [];
      include.forEach((kind, i) => {
        if (!['im', 'mpim', 'private', 'public'].includes(kind as string))
          r.error(`${at}/include/${i}`, 'must be a valid enum value');
      });
      r.boolean(filter, 'exclude_external_shared_channels', at);
      r.boolean(filter, 'exclude_bot_users', at);
    }
    r.integer(e, 'max_selected_items', p, 1, LIMITS.selectOptions);
    r.textField(e, 'placeholder', p, { max: LIMITS.placeholder, plainOnly: true });
    r.boolean(e, 'focus_on_load', p);
    confirm(r, e, p);
  },

  checkboxes(r, e, p) {
    r.only(e, p, ['type', 'action_id', 'options', 'initial_options', 'confirm', 'focus_on_load']);
    const all = options(r, e, 'options', p, { min: 1, max: LIMITS.choiceOptions, required: true, plainOnly: false });
    const initial = r.array(e, 'initial_options', p, { min: 0, max: LIMITS.choiceOptions }) ?? [];
    for (const [i, item] of initial.entries()) chosen(r, item, `${p}/initial_options/${i}`, all, false);
    r.boolean(e, 'focus_on_load', p);
    confirm(r, e, p);
  },

  radio_buttons(r, e, p) {
    r.only(e, p, ['type', 'action_id', 'options', 'initial_option', 'confirm', 'focus_on_load']);
    const all = options(r, e, 'options', p, { min: 1, max: LIMITS.choiceOptions, required: true, plainOnly: false });
    if (e.initial_option !== undefined) chosen(r, e.initial_option, `${p}/initial_option`, all, false);
    r.boolean(e, 'focus_on_load', p);
    confirm(r, e, p);
  },

  plain_text_input(r, e, p) {
    r.only(e, p, [
      'type',
      'action_id',
      'initial_value',
      'multiline',
      'min_length',
      'max_length',
      'dispatch_action_config',
      'focus_on_load',
      'placeholder',
    ]);
    const max = r.integer(e, 'max_length', p, 1, LIMITS.inputLength);
    const min = r.integer(e, 'min_length', p, 0, LIMITS.inputLength);
    if (max !== undefined && min !== undefined && min > max) {
      r.error(`${p}/min_length`, 'must be less than or equal to max_length');
    }
    r.string(e, 'initial_value', p, { max: max ?? LIMITS.inputLength });
    r.boolean(e, 'multiline', p);
    r.boolean(e, 'focus_on_load', p);
    r.textField(e, 'placeholder', p, { max: LIMITS.placeholder, plainOnly: true });
    if (e.dispatch_action_config !== undefined) {
      const at = `${p}/dispatch_action_config`;
      const config = e.dispatch_action_config;
      if (r.object(config, at)) {
        r.only(config, at, ['trigger_actions_on']);
        const on = r.array(config, 'trigger_actions_on', at, { min: 1, max: TRIGGERS.length }) ?? [];
        on.forEach((value, i) => {
          if (!TRIGGERS.includes(value as string)) r.error(`${at}/trigger_actions_on/${i}`, 'must be a valid enum value');
        });
      }
    }
  },

  image(r, e, p) {
    r.only(e, p, ['type', 'image_url', 'slack_file', 'alt_text']);
    if (e.slack_file === undefined) r.string(e, 'image_url', p, { required: true, nonEmpty: true, max: LIMITS.url });
    r.string(e, 'alt_text', p, { required: true, nonEmpty: true, max: LIMITS.altText });
  },
};

function element(r: Report, value: unknown, pointer: string, container: Container, actionIds: Map<string, string>): void {
  if (!r.object(value, pointer)) return;
  const type = value.type;
  if (type === undefined) {
    r.error(pointer, 'missing required field: type');
    return;
  }
  if (typeof type !== 'string' || !ELEMENTS_IN[container].includes(type)) {
    r.error(`${pointer}/type`, `unsupported type: ${String(type)}`);
    return;
  }
  if (INTERACTIVE_ELEMENTS.includes(type)) {
    const actionId = r.identifier(value, 'action_id', pointer);
    if (actionId !== undefined) {
      const first = actionIds.get(actionId);
      if (first !== undefined) r.error(`${pointer}/action_id`, `duplicate action_id "${actionId}" (also at ${first})`);
      else actionIds.set(actionId, pointer);
    }
  }
  ELEMENT_CHECKS[type](r, value, pointer);
}

function number(r: Report, fields: Fields, key: string, pointer: string): void {
  const value = fields[key];
  if (value === undefined) r.error(pointer, `missing required field: ${key}`);
  else if (typeof value !== 'number' || !Number.isFinite(value)) r.error(`${pointer}/${key}`, 'must provide a number');
}

/** A `{label, value}` pair: a pie's segment or a series' data point. */
function point(r: Report, value: unknown, pointer: string, maxLabel?: number): string | undefined {
  if (!r.object(value, pointer)) return undefined;
  r.only(value, pointer, ['label', 'value']);
  const label = r.string(value, 'label', pointer, { required: true, nonEmpty: true, max: maxLabel });
  number(r, value, 'value', pointer);
  return label;
}

function chart(r: Report, value: unknown, pointer: string): void {
  if (!r.object(value, pointer)) return;
  const type = value.type;
  if (type === 'pie') {
    r.only(value, pointer, ['type', 'segments']);
    const segments = r.array(value, 'segments', pointer, { min: 1, max: LIMITS.chartSegments, required: true }) ?? [];
    for (const [i, segment] of segments.entries()) point(r, segment, `${pointer}/segments/${i}`);
    return;
  }
  if (type !== 'bar' && type !== 'line' && type !== 'area') {
    if (type === undefined) r.error(pointer, 'missing required field: type');
    else r.error(`${pointer}/type`, 'must be a valid enum value');
    return;
  }
  r.only(value, pointer, ['type', 'series', 'axis_config']);
  let categories: unknown[] | undefined;
  const axis = value.axis_config;
  const axisAt = `${pointer}/axis_config`;
  if (axis === undefined) r.error(pointer, 'missing required field: axis_config');
  else if (r.object(axis, axisAt)) {
    r.only(axis, axisAt, ['categories', 'x_label', 'y_label']);
    categories = r.array(axis, 'categories', axisAt, { min: 1, max: LIMITS.chartCategories, required: true }) ?? [];
    for (const [i, category] of categories.entries()) {
      r.string({ [i]: category }, String(i), `${axisAt}/categories`, { nonEmpty: true, max: LIMITS.chartCategory });
    }
    r.string(axis, 'x_label', axisAt, { max: LIMITS.chartAxisLabel });
    r.string(axis, 'y_label', axisAt, { max: LIMITS.chartAxisLabel });
  }
  const names = new Set<string>();
  const series = r.array(value, 'series', pointer, { min: 1, max: LIMITS.chartSeries, required: true }) ?? [];
  series.forEach((item, i) => {
    const at = `${pointer}/series/${i}`;
    if (!r.object(item, at)) return;
    r.only(item, at, ['name', 'data']);
    const name = r.string(item, 'name', at, { required: true, nonEmpty: true, max: LIMITS.chartSeriesName });
    if (name !== undefined && names.has(name)) r.error(`${at}/name`, `duplicate series name "${name}"`);
    if (name !== undefined) names.add(name);
    const data = r.array(item, 'data', at, { min: 1, max: LIMITS.chartCategories, required: true }) ?? [];
    data.forEach((entry, j) => {
      const label = point(r, entry, `${at}/data/${j}`);
      if (label !== undefined && categories && !categories.includes(label))
        r.error(`${at}/data/${j}/label`, 'must be one of axis_config.categories');
    });
  });
}

/** The characters a data_table cell counts against the table's limit: every text it shows. */
function cellCharacters(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + cellCharacters(item), 0);
  if (!isFields(value)) return 0;
  const own = typeof value.text === 'string' ? length(value.text) : 0;
  return own + cellCharacters(value.elements);
}

function tableCell(r: Report, value: unknown, pointer: string, header: boolean): number {
  if (!r.object(value, pointer)) return 0;
  const type = value.type;
  if (type === 'raw_text') {
    r.only(value, pointer, ['type', 'text']);
    r.string(value, 'text', pointer, { required: true, nonEmpty: true });
  } else if (type === 'raw_number') {
    r.only(value, pointer, ['type', 'value', 'text']);
    number(r, value, 'value', pointer);
    r.string(value, 'text', pointer, { required: true, nonEmpty: true });
  } else if (type === 'rich_text' && !header) {
    r.array(value, 'elements', pointer, { min: 1, max: Number.MAX_SAFE_INTEGER, required: true });
  } else if (type === undefined) {
    r.error(pointer, 'missing required field: type');
  } else {
    r.error(`${pointer}/type`, header ? 'must be raw_text or raw_number in the header row' : 'must be a valid enum value');
  }
  return cellCharacters(value);
}

/** A data_table block, and the characters its cells hold (for the message-wide limit). */
function dataTable(r: Report, b: Fields, p: string): number {
  r.only(b, p, ['type', 'block_id', 'rows', 'caption', 'page_size', 'row_header_column_index']);
  r.string(b, 'caption', p, { required: true, nonEmpty: true });
  r.integer(b, 'page_size', p, 1, LIMITS.tablePageSize);
  const rows = r.array(b, 'rows', p, { min: 2, max: LIMITS.tableRows, required: true }) ?? [];
  let width: number | undefined;
  let characters = 0;
  rows.forEach((row, i) => {
    const at = `${p}/rows/${i}`;
    if (!Array.isArray(row)) {
      r.error(at, 'must provide an array');
      return;
    }
    if (row.length < 1 || row.length > LIMITS.tableColumns) r.error(at, `must provide 1 to ${LIMITS.tableColumns} cells`);
    width ??= row.length;
    if (row.length !== width) r.error(at, 'must have as many cells as the first row');
    for (const [j, cell] of row.entries()) characters += tableCell(r, cell, `${at}/${j}`, i === 0);
  });
  if (width !== undefined) r.integer(b, 'row_header_column_index', p, 0, width - 1);
  if (characters > LIMITS.tableCharacters) r.error(`${p}/rows`, `the cells hold more than ${LIMITS.tableCharacters} characters`);
  return characters;
}

const BLOCK_CHECKS: Record<string, (r: Report, b: Fields, pointer: string) => void> = {
  section(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'text', 'fields', 'accessory', 'expand']);
    if (b.text === undefined && b.fields === undefined) r.error(`${p}/type`, 'must define either `text` or `fields`');
    r.textField(b, 'text', p, { max: LIMITS.sectionText });
    const fields = r.array(b, 'fields', p, { min: 1, max: LIMITS.sectionFields }) ?? [];
    for (const [i, field] of fields.entries()) r.text(field, `${p}/fields/${i}`, { max: LIMITS.sectionField });
    if (b.accessory !== undefined) element(r, b.accessory, `${p}/accessory`, 'section', new Map());
    r.boolean(b, 'expand', p);
  },

  divider(r, b, p) {
    r.only(b, p, ['type', 'block_id']);
  },

  header(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'text']);
    r.textField(b, 'text', p, { max: LIMITS.headerText, plainOnly: true, required: true });
  },

  context(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'elements']);
    const elements = r.array(b, 'elements', p, { min: 1, max: LIMITS.contextElements, required: true }) ?? [];
    elements.forEach((item, i) => {
      const at = `${p}/elements/${i}`;
      if (isFields(item) && (item.type === 'plain_text' || item.type === 'mrkdwn')) r.text(item, at, { max: LIMITS.contextText });
      else element(r, item, at, 'context', new Map());
    });
  },

  actions(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'elements']);
    const elements = r.array(b, 'elements', p, { min: 1, max: LIMITS.actionsElements, required: true }) ?? [];
    const actionIds = new Map<string, string>();
    for (const [i, item] of elements.entries()) element(r, item, `${p}/elements/${i}`, 'actions', actionIds);
  },

  input(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'label', 'element', 'hint', 'optional', 'dispatch_action']);
    r.textField(b, 'label', p, { max: LIMITS.inputLabel, plainOnly: true, required: true });
    if (b.element === undefined) r.error(p, 'missing required field: element');
    else element(r, b.element, `${p}/element`, 'input', new Map());
    r.textField(b, 'hint', p, { max: LIMITS.inputHint, plainOnly: true });
    r.boolean(b, 'optional', p);
    r.boolean(b, 'dispatch_action', p);
  },

  image(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'image_url', 'slack_file', 'alt_text', 'title']);
    if (b.slack_file === undefined) r.string(b, 'image_url', p, { required: true, nonEmpty: true, max: LIMITS.url });
    r.string(b, 'alt_text', p, { required: true, nonEmpty: true, max: LIMITS.altText });
    r.textField(b, 'title', p, { max: LIMITS.imageTitle, plainOnly: true });
  },

  data_visualization(r, b, p) {
    r.only(b, p, ['type', 'block_id', 'title', 'chart']);
    r.string(b, 'title', p, { required: true, nonEmpty: true, max: LIMITS.chartTitle });
    if (b.chart === undefined) r.error(p, 'missing required field: chart');
    else chart(r, b.chart, `${p}/chart`);
  },

  data_table(r, b, p) {
    dataTable(r, b, p);
  },
};

function blockList(r: Report, value: unknown, pointer: string, surface: Surface): void {
  if (!Array.isArray(value)) {
    r.error(pointer, 'must provide an array');
    return;
  }
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (value.length > max) r.error(pointer, `no more than ${max} items allowed`);
  const blockIds = new Map<string, string>();
  let charts = 0;
  const tableCharacters: number[] = [];
  value.forEach((block, i) => {
    const at = `${pointer}/${i}`;
    if (!r.object(block, at)) return;
    const type = block.type;
    if (type === undefined) {
      r.error(at, 'missing required field: type');
      return;
    }
    const check = typeof type === 'string' ? BLOCK_CHECKS[type] : undefined;
    if (!check || (surface !== 'message' && MESSAGE_ONLY_BLOCKS.includes(type as string))) {
      r.error(`${at}/type`, `unsupported type: ${String(type)}`);
      return;
    }
    const blockId = r.identifier(block, 'block_id', at);
    if (blockId !== undefined) {
      const first = blockIds.get(blockId);
      if (first !== undefined) r.error(`${at}/block_id`, `duplicate block_id "${blockId}" (also at ${first})`);
      else blockIds.set(blockId, at);
    }
    if (type === 'data_visualization' && ++charts > LIMITS.chartsPerMessage) {
      r.error(at, `no more than ${LIMITS.chartsPerMessage} data_visualization blocks allowed in a message`);
    }
    if (type === 'data_table') tableCharacters.push(dataTable(r, block, at));
    else check(r, block, at);
  });
  // A table over the limit on its own was refused already.
  const total = tableCharacters.reduce((sum, n) => sum + n, 0);
  if (total > LIMITS.tableCharacters && tableCharacters.every((n) => n <= LIMITS.tableCharacters)) {
    r.error(pointer, `the cells of its data_table blocks hold more than ${LIMITS.tableCharacters} characters`);
  }
}

const VIEW_FIELDS = {
  modal: [
    'type',
    'title',
    'blocks',
    'close',
    'submit',
    'private_metadata',
    'callback_id',
    'clear_on_close',
    'notify_on_close',
    'external_id',
    'submit_disabled',
  ],
  home: ['type', 'blocks', 'private_metadata', 'callback_id', 'external_id'],
} as const;

/** A modal or Home tab view; an empty list means Slack would take it. */
export function validateView(view: unknown, pointer = '/view'): string[] {
  const r = new Report();
  if (!r.object(view, pointer)) return r.messages;
  const type = view.type;
  if (type !== 'modal' && type !== 'home') {
    if (type === undefined) r.error(pointer, 'missing required field: type');
    else r.error(`${pointer}/type`, 'must be a valid enum value');
    return r.messages;
  }
  r.only(view, pointer, VIEW_FIELDS[type]);
  if (type === 'modal') {
    r.textField(view, 'title', pointer, { max: LIMITS.viewTitle, plainOnly: true, required: true });
    r.textField(view, 'submit', pointer, { max: LIMITS.viewButton, plainOnly: true });
    r.textField(view, 'close', pointer, { max: LIMITS.viewButton, plainOnly: true });
    r.boolean(view, 'clear_on_close', pointer);
    r.boolean(view, 'notify_on_close', pointer);
    r.boolean(view, 'submit_disabled', pointer);
  }
  r.string(view, 'private_metadata', pointer, { max: LIMITS.privateMetadata });
  r.identifier(view, 'callback_id', pointer);
  r.identifier(view, 'external_id', pointer);
  if (view.blocks === undefined) r.error(pointer, 'missing required field: blocks');
  else blockList(r, view.blocks, `${pointer}/blocks`, type);

  if (type === 'modal' && view.submit === undefined && Array.isArray(view.blocks)) {
    const input = view.blocks.findIndex((b) => isFields(b) && b.type === 'input');
    if (input >= 0) r.error(`${pointer}/blocks/${input}/input`, 'must define `submit` to use an `input` block in modals');
  }
  // Slack puts its summary first whenever anything inside the view failed.
  return r.messages.length > 0 ? [`[ERROR] failed to match all allowed schemas [json-pointer:${pointer}]`, ...r.messages] : [];
}

/** The `blocks` of a message (chat.postMessage, chat.postEphemeral, response_url). */
export function validateMessageBlocks(blocks: unknown, pointer = '/blocks'): string[] {
  const r = new Report();
  blockList(r, blocks, pointer, 'message');
  return r.messages;
}
