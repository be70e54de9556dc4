import type { Child } from 'hono/jsx';

/** A column's heading; a hidden one is still read out (the actions column: "Supprimer", "Modifier"). */
export interface Column {
  label: string;
  class?: string;
  hidden?: boolean;
  /** The row's name: on a phone's stacked rows it needs no label. */
  primary?: boolean;
}

/** The results table every list shares (its class sets the look); the rows are the page's. `false` skips a column. */
export function Table(props: { class: string; columns: ReadonlyArray<Column | false>; children: Child }) {
  return (
    <table class={props.class}>
      <thead>
        <tr>
          {props.columns.filter((col): col is Column => col !== false).map((col) => (
            <th class={[col.class, col.primary && 'primary'].filter(Boolean).join(' ') || undefined}>
              {col.hidden ? <span class="visually-hidden">{col.label}</span> : col.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
