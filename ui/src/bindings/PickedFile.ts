// placeholder until regenerated
export type PickedFile = { token: number, file_name: string, };
