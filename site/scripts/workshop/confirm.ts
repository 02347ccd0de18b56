// Opens a ConfirmDialog (components/workshop/ConfirmDialog.astro) and tells whether it was confirmed.
export function confirmWith(dialog: HTMLDialogElement): Promise<boolean> {
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
  });
}
