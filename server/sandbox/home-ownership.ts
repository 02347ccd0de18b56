// Gives a learner's home to their host uid at launch. Nothing of the learner runs at that moment (their
// previous sandbox has ended), so the tree holds still; symlinks are changed themselves, never followed.
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * lchown of every entry not yet owned by uid:gid; returns how many were changed. Only entries owned by
 * the server or by another learner uid (`mayTake`) change hands: a home that belongs to a real user was
 * passed by mistake, and is refused rather than given away.
 */
export async function ownTree(root: string, uid: number, gid: number, mayTake: (owner: number) => boolean): Promise<number> {
  const top = await fs.lstat(root);
  if (top.uid !== uid && !mayTake(top.uid)) throw new Error(`the home folder ${root} belongs to uid ${top.uid}, neither to this server nor to a learner`);
  let changed = 0;
  const visit = async (entry: string): Promise<void> => {
    const stat = await fs.lstat(entry);
    if ((stat.uid !== uid || stat.gid !== gid) && mayTake(stat.uid)) {
      await fs.lchown(entry, uid, gid);
      changed++;
    }
    if (!stat.isDirectory()) return;
    for (const name of await fs.readdir(entry)) await visit(path.join(entry, name));
  };
  await visit(root);
  await fs.chmod(root, 0o700);
  return changed;
}
