/**
 * The visual rule builder ⇄ JSON: two tabs over one JSON Logic value. The builder edits comparisons,
 * all-of/any-of groups and negation; the JSON tab takes any expression. Both stay in sync: a builder
 * edit rewrites the text, valid text replaces the rule, invalid text shows its error and changes nothing.
 */
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { Button, inputClass } from "../../components/ui.tsx";
import {
  COMPARISON_LABELS,
  COMPARISONS,
  type Comparison,
  fromJsonLogic,
  type Json,
  type Literal,
  newComparison,
  type Operand,
  operandToJson,
  parseJson,
  prettyJson,
  type RuleNode,
  toJsonLogic,
} from "./jsonLogic.ts";

const small = `${inputClass} w-auto py-1 text-xs`;

function sameJson(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface RuleBuilderProps {
  readonly value: Json;
  /** Called with every valid change (from either tab). */
  onChange(value: Json): void;
  /** The JSON text's parse error, or null once it parses again. */
  onError?(error: string | null): void;
  /** Variable paths offered while typing (`settlement.population` ...). */
  readonly suggestions?: readonly string[];
  readonly disabled?: boolean;
}

export function RuleBuilder({ value, onChange, onError, suggestions = [], disabled = false }: RuleBuilderProps) {
  const id = useId();
  const [tab, setTab] = useState<"builder" | "json">("builder");
  const [text, setText] = useState(() => prettyJson(value));
  const [error, setError] = useState<string | null>(null);
  const [seen, setSeen] = useState<Json>(value);
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});

  // A new value from outside (or from the builder): rewrite the text unless it already says the same.
  if (!sameJson(seen, value)) {
    setSeen(value);
    const parsed = parseJson(text);
    if (!parsed.ok || !sameJson(parsed.value, value)) {
      setText(prettyJson(value));
      setError(null);
    }
  }

  const onText = (next: string) => {
    setText(next);
    const parsed = parseJson(next);
    if (parsed.ok) {
      setError(null);
      onError?.(null);
      setSeen(parsed.value);
      if (!sameJson(parsed.value, value)) onChange(parsed.value);
    } else {
      const message = `Invalid JSON: ${parsed.error}`;
      setError(message);
      onError?.(message);
    }
  };

  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight" && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    const next = tab === "builder" ? "json" : "builder";
    const target = e.key === "Home" ? "builder" : e.key === "End" ? "json" : next;
    setTab(target);
    tabs.current[target]?.focus();
  };

  const root = fromJsonLogic(value);
  const listId = `${id}-paths`;
  return (
    <div className="flex flex-col gap-2" data-testid="rule-builder">
      <div role="tablist" aria-label="Rule editor" className="flex gap-1 border-b border-slate-800">
        {(["builder", "json"] as const).map((t) => (
          <button
            key={t}
            ref={(el) => {
              tabs.current[t] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`${id}-panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
            onKeyDown={onTabKey}
            className={
              "-mb-px border-b-2 px-3 py-1 text-xs focus-visible:outline-2 focus-visible:outline-violet-400 " +
              (tab === t ? "border-violet-400 text-white" : "border-transparent text-slate-400 hover:text-slate-200")
            }
          >
            {t === "builder" ? "Builder" : "JSON"}
            {t === "json" && error ? " ⚠" : ""}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel-builder`} aria-labelledby={`${id}-tab-builder`} hidden={tab !== "builder"}>
        {error && <p className="mb-2 text-xs text-amber-300">The JSON tab has an error; the builder shows the last valid rule.</p>}
        <fieldset disabled={disabled} className="min-w-0">
          <NodeEditor node={root} label="Rule" listId={listId} onChange={(n) => onChange(toJsonLogic(n))} />
          {root.kind !== "group" && (
            <Button className="mt-2 text-xs" onClick={() => onChange(toJsonLogic({ kind: "group", op: "and", children: [root] }))}>
              Put in a group
            </Button>
          )}
        </fieldset>
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>
      <div role="tabpanel" id={`${id}-panel-json`} aria-labelledby={`${id}-tab-json`} hidden={tab !== "json"} className="flex flex-col gap-1">
        <textarea
          className={`${inputClass} font-mono text-xs`}
          rows={10}
          spellCheck={false}
          aria-label="Rule as JSON"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-json-error` : undefined}
          value={text}
          readOnly={disabled}
          onChange={(e) => onText(e.target.value)}
          data-testid="rule-json"
        />
        {error && (
          <p id={`${id}-json-error`} role="alert" className="text-xs text-rose-300" data-testid="rule-json-error">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

interface NodeProps {
  readonly node: RuleNode;
  readonly label: string;
  readonly listId: string;
  onChange(node: RuleNode): void;
  onRemove?(): void;
}

/** One rule with its "not" switch; a negation is shown as its inner rule with "not" ticked. */
function NodeEditor({ node, label, listId, onChange, onRemove }: NodeProps) {
  const negated = node.kind === "not";
  const inner = node.kind === "not" ? node.child : node;
  const setInner = (next: RuleNode) => onChange(node.kind === "not" ? { ...node, child: next } : next);
  return (
    <div role="group" aria-label={label} className="flex flex-col gap-2 rounded border border-slate-800 bg-slate-950/40 p-2" data-testid="rule-node">
      <div className="flex items-center gap-2 text-xs text-slate-400">
        <span className="font-medium text-slate-300">{label}</span>
        <label className="flex items-center gap-1">
          <input
            type="checkbox"
            className="size-3.5 accent-violet-500"
            checked={negated}
            aria-label={`${label}: not`}
            onChange={(e) => onChange(e.target.checked ? { kind: "not", child: node, wrapped: true } : inner)}
          />
          not
        </label>
        <span className="flex-1" />
        {onRemove && (
          <Button tone="ghost" className="px-1.5 py-0.5 text-xs" aria-label={`Remove ${label}`} onClick={onRemove}>
            ✕
          </Button>
        )}
      </div>
      <InnerEditor node={inner} label={label} listId={listId} onChange={setInner} />
    </div>
  );
}

function InnerEditor({ node, label, listId, onChange }: NodeProps) {
  switch (node.kind) {
    case "not":
      return <NodeEditor node={node} label={`${label} (inner)`} listId={listId} onChange={onChange} />;
    case "group":
      return <GroupEditor node={node} label={label} listId={listId} onChange={onChange} />;
    case "compare":
      return <CompareEditor node={node} label={label} listId={listId} onChange={onChange} />;
    case "raw":
      return <JsonInput value={node.json} label={`${label}: expression (JSON)`} onChange={(json) => onChange({ kind: "raw", json })} />;
  }
}

function GroupEditor({ node, label, listId, onChange }: NodeProps & { node: Extract<RuleNode, { kind: "group" }> }) {
  const childLabel = (i: number) => (label === "Rule" ? `Rule ${i + 1}` : `${label}.${i + 1}`);
  const setChildren = (children: readonly RuleNode[]) => onChange({ ...node, children });
  return (
    <div className="flex flex-col gap-2">
      <select className={small} aria-label={`${label}: match`} value={node.op} onChange={(e) => onChange({ ...node, op: e.target.value as "and" | "or" })}>
        <option value="and">All of these (and)</option>
        <option value="or">Any of these (or)</option>
      </select>
      {node.children.length === 0 && (
        <p className="text-xs text-slate-500">{node.op === "and" ? "Empty: always true." : "Empty: always false."}</p>
      )}
      <div className="flex flex-col gap-2 border-l-2 border-violet-900/60 pl-2">
        {node.children.map((child, i) => (
          <NodeEditor
            key={i}
            node={child}
            label={childLabel(i)}
            listId={listId}
            onChange={(next) => setChildren(node.children.map((c, j) => (j === i ? next : c)))}
            onRemove={() => setChildren(node.children.filter((_, j) => j !== i))}
          />
        ))}
      </div>
      <div className="flex flex-wrap gap-1">
        <Button className="px-2 py-0.5 text-xs" aria-label={`${label}: add comparison`} onClick={() => setChildren([...node.children, newComparison()])}>
          + Comparison
        </Button>
        <Button
          className="px-2 py-0.5 text-xs"
          aria-label={`${label}: add group`}
          onClick={() => setChildren([...node.children, { kind: "group", op: node.op === "and" ? "or" : "and", children: [newComparison()] }])}
        >
          + Group
        </Button>
      </div>
    </div>
  );
}

function CompareEditor({ node, label, listId, onChange }: NodeProps & { node: Extract<RuleNode, { kind: "compare" }> }) {
  return (
    <div className="flex flex-col gap-1.5">
      <OperandEditor operand={node.left} label={`${label}: left`} listId={listId} onChange={(left) => onChange({ ...node, left })} />
      <select className={small} aria-label={`${label}: comparison`} value={node.op} onChange={(e) => onChange({ ...node, op: e.target.value as Comparison })}>
        {COMPARISONS.map((op) => (
          <option key={op} value={op}>
            {COMPARISON_LABELS[op]} ({op})
          </option>
        ))}
      </select>
      <OperandEditor operand={node.right} label={`${label}: right`} listId={listId} onChange={(right) => onChange({ ...node, right })} />
    </div>
  );
}

type OperandKind = "var" | "number" | "text" | "boolean" | "null" | "expr";

const OPERAND_KINDS: Record<OperandKind, string> = {
  var: "Variable",
  number: "Number",
  text: "Text",
  boolean: "True/false",
  null: "Null",
  expr: "Expression",
};

function operandKind(operand: Operand): OperandKind {
  if (operand.kind !== "literal") return operand.kind;
  const v = operand.value;
  return v === null ? "null" : typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "text";
}

function convert(operand: Operand, kind: OperandKind): Operand {
  const literal = (value: Literal): Operand => ({ kind: "literal", value });
  const current = operand.kind === "literal" ? operand.value : null;
  switch (kind) {
    case "var":
      return { kind: "var", path: "" };
    case "number":
      return literal(Number.isFinite(Number(current)) && current !== null && current !== "" ? Number(current) : 0);
    case "text":
      return literal(current === null ? "" : String(current));
    case "boolean":
      return literal(current === true || current === "true");
    case "null":
      return literal(null);
    case "expr":
      return { kind: "expr", json: operandToJson(operand) };
  }
}

function OperandEditor({ operand, label, listId, onChange }: { operand: Operand; label: string; listId: string; onChange(o: Operand): void }) {
  const kind = operandKind(operand);
  const literal = operand.kind === "literal" ? operand.value : null;
  return (
    <div className="flex min-w-0 flex-wrap items-start gap-1">
      <select className={small} aria-label={`${label} kind`} value={kind} onChange={(e) => onChange(convert(operand, e.target.value as OperandKind))}>
        {Object.entries(OPERAND_KINDS).map(([k, text]) => (
          <option key={k} value={k}>
            {text}
          </option>
        ))}
      </select>
      <div className="min-w-0 flex-1">
        {operand.kind === "var" && (
          <input
            type="text"
            className={`${inputClass} py-1 font-mono text-xs`}
            aria-label={`${label} variable`}
            placeholder="settlement.population"
            list={listId}
            value={operand.path}
            onChange={(e) => onChange({ kind: "var", path: e.target.value })}
          />
        )}
        {kind === "number" && <NumberInput value={Number(literal)} label={`${label} value`} onChange={(value) => onChange({ kind: "literal", value })} />}
        {kind === "text" && (
          <input
            type="text"
            className={`${inputClass} py-1 text-xs`}
            aria-label={`${label} value`}
            value={String(literal)}
            onChange={(e) => onChange({ kind: "literal", value: e.target.value })}
          />
        )}
        {kind === "boolean" && (
          <select className={small} aria-label={`${label} value`} value={String(literal)} onChange={(e) => onChange({ kind: "literal", value: e.target.value === "true" })}>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        )}
        {operand.kind === "expr" && <JsonInput value={operand.json} label={`${label} expression (JSON)`} onChange={(json) => onChange({ kind: "expr", json })} />}
      </div>
    </div>
  );
}

/** A number typed freely ("-", "1.") and committed once it is one. */
function NumberInput({ value, label, onChange }: { value: number; label: string; onChange(v: number): void }) {
  const [draft, setDraft] = useState(String(value));
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    if (Number(draft) !== value) setDraft(String(value));
  }
  const invalid = draft.trim() === "" || !Number.isFinite(Number(draft));
  return (
    <input
      type="text"
      inputMode="decimal"
      className={`${inputClass} py-1 text-xs`}
      aria-label={label}
      aria-invalid={invalid ? true : undefined}
      title={invalid ? "Enter a number" : undefined}
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value.trim() !== "" && Number.isFinite(n)) {
          setSeen(n);
          onChange(n);
        }
      }}
    />
  );
}

/** A JSON value edited as text; only valid JSON is passed on. */
function JsonInput({ value, label, onChange }: { value: Json; label: string; onChange(v: Json): void }) {
  const [draft, setDraft] = useState(() => JSON.stringify(value));
  const [seen, setSeen] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  if (!sameJson(seen, value)) {
    setSeen(value);
    setDraft(JSON.stringify(value));
    setError(null);
  }
  return (
    <div className="flex flex-col gap-1">
      <input
        type="text"
        className={`${inputClass} py-1 font-mono text-xs`}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parseJson(e.target.value);
          if (parsed.ok) {
            setError(null);
            setSeen(parsed.value);
            onChange(parsed.value);
          } else setError(parsed.error);
        }}
      />
      {error && (
        <p id={errorId} className="text-xs text-rose-300">
          Invalid JSON: {error}
        </p>
      )}
    </div>
  );
}
