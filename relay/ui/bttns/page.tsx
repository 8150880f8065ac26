// One bttn: its actions per event type (the Set action form), Press buttons to try them, and, for a
// bttn the page may change, rename, a new secret and removal (each confirmed). A bttn declared in the
// config file is shown read-only with a note: the file is where it changes.
import { useState } from "preact/hooks";
import { del, get, messageOf, post, seg } from "../api";
import { announce } from "../announce";
import { Confirm } from "../confirm";
import { EVENT_LABELS, label } from "../format";
import { ActionForm } from "../action/form";
import { go, href } from "../route";
import type { BttnInfo, SecretRotated } from "../types";
import { useLoad } from "../use-load";
import { Outcome } from "../outcome";
import { PressButtons, Pressed } from "./press-buttons";
import { SecretOnce } from "./secret-once";
import { Rename } from "./rename";

const EVENTS = Object.keys(EVENT_LABELS);

export function BttnPage({ id, event }: { id: string; event?: string }) {
  const info = useLoad(() => get<BttnInfo>("/bttns/" + seg(id)), [id]);
  const [rotated, setRotated] = useState<SecretRotated | undefined>();
  const [confirm, setConfirm] = useState<"" | "secret" | "remove">("");
  const [problem, setProblem] = useState("");
  const [pressed, setPressed] = useState<Pressed | undefined>();
  const b = info.value;
  const current = event && EVENTS.includes(event) ? event : "pressed";

  if (!b)
    return (
      <section>
        <h1 tabIndex={-1}>Bttn {id}</h1>
        {info.error ? (
          <p class="error" role="alert">
            {info.error}
          </p>
        ) : (
          <p>Loading…</p>
        )}
        <p>
          <a href={href()}>Back to the bttns</a>
        </p>
      </section>
    );

  const readOnly = b.origin === "file";
  const name = b.name || b.id;

  const rotate = async () => {
    setProblem("");
    try {
      setRotated(await post<SecretRotated>("/bttns/" + seg(id) + "/secret", {}));
      setConfirm("");
    } catch (e) {
      setProblem(messageOf(e));
    }
  };
  const remove = async () => {
    setProblem("");
    try {
      await del("/bttns/" + seg(id));
      announce("Bttn " + name + " removed");
      go();
    } catch (e) {
      setProblem(messageOf(e));
    }
  };

  return (
    <section aria-labelledby="bttn-title">
      <p class="crumbs">
        <a href={href()}>Bttns</a> ›
      </p>
      <h1 id="bttn-title" tabIndex={-1}>
        {name} {b.name && <span class="muted mono">({b.id})</span>}
      </h1>
      {readOnly && (
        <p class="note" role="note">
          This bttn is declared in the config file: it is shown read-only here. Change it in the file; the relay applies the file at its next start.
        </p>
      )}

      <div class="try">
        <PressButtons id={b.id} name={name} events={b.events} onPressed={setPressed} />
        {pressed && (
          <p class="last">
            {label(pressed.type)}: <Outcome state={pressed.state} reason={pressed.reason} />
          </p>
        )}
      </div>

      <nav aria-label="Event types" class="tabs">
        <ul>
          {EVENTS.map((t) => (
            <li key={t}>
              <a href={href("bttn", b.id, t)} aria-current={t === current ? "page" : undefined}>
                {label(t)}
                <span class="visually-hidden">{b.events.includes(t) ? ", has an action" : ", no action"}</span>
                {b.events.includes(t) && <span aria-hidden="true"> ●</span>}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <ActionForm bttn={b.id} event={current} stored={b.actions?.[current as keyof NonNullable<BttnInfo["actions"]>]?.http} readOnly={readOnly} onSaved={() => info.reload()} />

      {!readOnly && (
        <section class="manage" aria-labelledby="manage-title">
          <h2 id="manage-title">Name, secret, removal</h2>
          <Rename b={b} onRenamed={info.reload} />
          {rotated ? (
            <SecretOnce id={b.id} secret={rotated.secret} deviceFile={rotated.deviceFile} title="Its new secret and device file" />
          ) : (
            <Confirm
              asking={confirm === "secret"}
              setAsking={(on) => setConfirm(on ? "secret" : "")}
              label="New secret…"
              kind="secondary"
              groupLabel="Confirm a new secret"
              question={<>Give {name} a new secret? The old one stops working at once: the device goes offline until it gets the new device file.</>}
              yes="Yes, new secret"
              onYes={rotate}
            />
          )}
          <Confirm
            asking={confirm === "remove"}
            setAsking={(on) => setConfirm(on ? "remove" : "")}
            label="Remove bttn…"
            kind="danger"
            groupLabel="Confirm removal"
            question={<>Remove {name} for good? Its device can no longer log in; its history is kept.</>}
            yes={<>Yes, remove {name}</>}
            onYes={remove}
          />
          {problem && (
            <p class="error" role="alert">
              {problem}
            </p>
          )}
        </section>
      )}
    </section>
  );
}
