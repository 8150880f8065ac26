// A bttn's secret and device file, as the API answered them once (after adding a bttn or giving it
// a new secret): shown until the person leaves, never fetched again.
import { useEffect, useRef } from "preact/hooks";
import { download } from "../download";
import type { DeviceFile } from "../types";

export function SecretOnce({ id, secret, deviceFile, title }: { id: string; secret: string; deviceFile: DeviceFile; title: string }) {
  const head = useRef<HTMLHeadingElement>(null);
  useEffect(() => head.current?.focus(), []);
  const file = id + ".json";
  return (
    <section class="card secret-once" aria-labelledby="secret-title">
      <h2 id="secret-title" tabIndex={-1} ref={head}>
        {title}
      </h2>
      <p>
        Secret of <b>{id}</b>: <code class="secret">{secret}</code>
      </p>
      <p class="warn">Shown only now: the relay keeps only a hash of it. Download the device file before leaving this page.</p>
      <p>
        <button type="button" onClick={() => download(file, JSON.stringify(deviceFile, null, 2) + "\n")}>
          Download device file ({file})
        </button>
      </p>
      <p class="help">
        The file names the relay at <code>{deviceFile.relay.host}</code>, MQTT port <code>{deviceFile.relay.port}</code>
        {deviceFile.wifi ? (
          <>
            , Wi-Fi <code>{deviceFile.wifi.ssid}</code>
          </>
        ) : (
          ", and no Wi-Fi network (add it to the file, or fill it in here next time)"
        )}
        . Flash it with <code>./flash.sh --port /dev/ttyUSB0 --config {file}</code>.
      </p>
    </section>
  );
}
