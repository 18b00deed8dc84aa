// The drop target and file picker: takes one or many capture files at once, any number of times.
import { useRef, useState } from "react";
import { openFiles } from "../state/engine";

export function DropZone({ compact = false }: { compact?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? " over" : ""}${compact ? " compact" : ""}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) openFiles(files);
      }}
    >
      {compact ? <span>Drop captures here</span> : <strong>Drop two or more capture files here</strong>}
      {!compact && <span>client side first, or in any order and reorder them below</span>}
      <button type="button" onClick={() => input.current?.click()}>
        {compact ? "Add…" : "Choose files…"}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = "";
          if (files.length) openFiles(files);
        }}
      />
    </div>
  );
}
