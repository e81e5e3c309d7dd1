export function SupervisorsOnly() {
  return (
    <div className="mx-auto max-w-xl p-8 text-center">
      <h1 className="text-xl font-semibold">Supervisors only</h1>
      <p className="mt-2 text-slate-600">This page is for supervisors. Ask a supervisor if you need something changed here.</p>
    </div>
  );
}
